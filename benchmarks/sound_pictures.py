"""Issue 12: a picture of each synthesized sound beside the nearest reference recording.

For each sound, one PNG: spectrogram (ours, reference), long-term 1/3-octave spectrum (both,
in dB re total), 50 ms level envelope (both, dB re the sound's RMS), and the figures of
tests/sound_checks.py for both. Reference recordings are read from ../shared/reference-sounds
beside the clone when it is there (never copied into the repository); without it the
pictures show our sound alone, and the script says so.

    python -m benchmarks.sound_pictures [SOUND ...] [--seconds 60] [--seed 1] [--out DIR]

Needs matplotlib (the `bench` extra).
"""

from __future__ import annotations

import argparse
from pathlib import Path

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REFERENCES = REPO.parent / "shared" / "reference-sounds"
OUT = REPO / "benchmarks" / "out" / "pictures"
#: the reference recording nearest in kind to each sound; others get the nearest by texture
#: statistics (../shared/tools/texture.py) when that tool is there, else none
NEAREST = {"rain": "rain", "stream": "rain", "waves": "waves", "wind": "wind",
           "fire": "fireplace", "thunder": "storm", "night": "summer-night", "birds": "birds",
           "fan": "wind"}
#: figures shown under the pictures, with their format
SHOWN = (("lufs", "{:.1f} LUFS"), ("true_peak_dbtp", "TP {:.1f} dBTP"),
         ("worst_hole_db", "hole {:.1f} dB"), ("worst_hole_hz", "@ {:.0f} Hz"),
         ("high_ratio_db", "6-12k/1-4k {:.1f} dB"), ("low_corr", "corr<300 {:.2f}"),
         ("mono_loss_db", "mono {:.1f} dB"), ("mono_loss_hz", "@ {:.0f} Hz"),
         ("dead_air", "dead {:.1%}"), ("spread_50ms_db", "spread {:.1f} dB"),
         ("drift_2s_db", "drift {:.1f} dB"), ("events_10db_per_s", "ev>10 {:.2f}/s"),
         ("events_15db_per_s", "ev>15 {:.2f}/s"), ("events_20db_per_s", "ev>20 {:.2f}/s"),
         ("event_width_ms", "width {:.2f} ms"), ("below_300_db", "<300 {:.1f} dB"),
         ("above_2500_db", ">2.5k {:.1f} dB"))


def load_reference(name: str, seconds: float):
    """(frames x 2 float64, rate) of a reference recording, or None when it is not here."""
    path = REFERENCES / f"{name}.ogg"
    if not path.exists():
        return None
    import soundfile

    x, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    x = x[: int(seconds * rate)]
    return (np.repeat(x, 2, axis=1) if x.shape[1] == 1 else x[:, :2]), rate


def nearest_by_texture(x: np.ndarray, rate: int) -> str | None:
    """The reference whose texture statistics lie closest (../shared/tools/texture.py)."""
    tool = REPO.parent / "shared" / "tools" / "texture.py"
    if not tool.exists() or not REFERENCES.exists():
        return None
    import importlib.util

    import soundfile

    spec = importlib.util.spec_from_file_location("texture", tool)
    texture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(texture)
    tmp = OUT / "_texture.wav"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(tmp), x, rate)
    ours = texture.features(texture.load_mono(tmp, skip_s=3))
    tmp.unlink()
    ref = {q.stem: texture.features(texture.load_mono(q)) for q in sorted(REFERENCES.glob("*.ogg"))}
    return min(ref, key=lambda n: texture.distance(ours, ref[n])[0])


def _text(fig: dict) -> str:
    parts = [fmt.format(fig[k]) for k, fmt in SHOWN if k in fig and np.isfinite(fig[k])]
    return "\n".join("  ".join(parts[i:i + 6]) for i in range(0, len(parts), 6))


def picture(sound: str, seconds: float = 60.0, seed: int = 1, out: Path = OUT) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tests import sound_checks as S
    from tests.rendering import RATE, render_alone

    ours = render_alone(sound, seconds, seed).astype(np.float64)
    name = NEAREST.get(sound) or nearest_by_texture(ours, RATE)
    ref = load_reference(name, seconds) if name else None
    pairs = [(f"{sound} (seed {seed})", ours, RATE)]
    if ref is not None:
        pairs.append((f"reference: {name}.ogg", *ref))
    fig, axes = plt.subplots(4, 2, figsize=(15, 13),
                             gridspec_kw={"height_ratios": [3, 2, 2, 0.6]})
    for col, (title, x, rate) in enumerate(pairs):
        ax = axes[0, col]
        m = x.mean(axis=1)
        ax.specgram(m, NFFT=2048, Fs=rate, noverlap=1024, cmap="magma",
                    vmin=10 * np.log10(np.mean(m**2) + 1e-20) - 90)
        ax.set_yscale("symlog", linthresh=500)
        ax.set_ylim(20, rate / 2)
        ax.set_title(title)
        ax.set_ylabel("Hz")
        centres, levels = S.band_levels(x, rate, 25, 20000)
        total = 10 * np.log10(np.sum(10 ** (levels / 10)))
        axes[1, 0].semilogx(centres, levels - total, marker="o", ms=3, label=title)
        lv = S.levels_db(x, rate) - A_rms(x)
        axes[2, col].plot(np.arange(len(lv)) * 0.05, lv, lw=0.6)
        axes[2, col].set_ylim(-50, 25)
        axes[2, col].set_xlabel("s")
        axes[2, col].set_ylabel("50 ms level, dB re RMS")
        axes[2, col].grid(alpha=0.3)
        f = S.figures(x, rate)
        axes[3, col].axis("off")
        axes[3, col].text(0, 0.5, _text(f), family="monospace", fontsize=9, va="center")
    if ref is None:
        axes[0, 1].axis("off")
        axes[2, 1].axis("off")
        axes[0, 1].text(0.1, 0.5, "no reference recording here\n(../shared/reference-sounds)")
        axes[3, 1].axis("off")
    ax = axes[1, 0]
    ax.set_title("long-term 1/3-octave spectrum")
    ax.set_xlabel("Hz")
    ax.set_ylabel("dB re total")
    ax.set_ylim(-45, 0)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    # right middle: the low-band correlation and mono loss per band, ours vs reference
    ax = axes[1, 1]
    for title, x, rate in pairs:
        c = S.third_octave_centres(40, 16000, 3)
        corr = [S.band_correlation(x, rate, f / 2 ** (1 / 6), min(f * 2 ** (1 / 6), 0.45 * rate))
                for f in c]
        ax.semilogx(c, corr, marker="o", ms=3, label=title)
    ax.set_ylim(-1, 1)
    ax.set_title("L/R correlation per 1/3 octave")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{sound}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def A_rms(x: np.ndarray) -> float:
    from tests import analysis

    return analysis.rms_db(x)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sounds", nargs="*", help="sound ids (default: every synthesized one)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from ambience.engine.sounds import SYNTHS

    if not REFERENCES.exists():
        print(f"note: no reference recordings at {REFERENCES}: pictures show our sounds alone")
    for sound in args.sounds or sorted(SYNTHS):
        print(picture(sound, args.seconds, args.seed, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
