"""`ambience` with no command: the collector is held (see `startup`) before Textual loads."""

from __future__ import annotations

from ambience.tui.startup import hold_collector, release_collector


def run(audio: str = "auto", device: str | int | None = None, control=None,
        inhibit_sleep: bool = False, headphones: bool | None = None) -> int:
    """Open the mixer; returns its exit status."""
    hold_collector()
    try:
        from ambience.tui.app import run_app
    except BaseException:
        release_collector()
        if control is not None:
            control.release()
        raise
    return run_app(audio=audio, device=device, control=control, inhibit_sleep=inhibit_sleep,
                   headphones=headphones)
