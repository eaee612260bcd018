"""`ambience ctl` against a real `ambience play --audio null` (subprocesses), the control
socket's privacy and robustness (other users, silent, malformed, oversized and fuzzed
requests, stale sockets), and the request format."""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambience.control import protocol
from ambience.control.protocol import BadRequest, validate
from ambience.control.server import (
    READ_TIMEOUT,
    AlreadyRunning,
    ControlServer,
    claim,
    probe,
    socket_path,
)
from tests.players import AMBIENCE, PLAY, start_player, wait_until_serving



def ctl(*args, timeout: float = 60.0) -> subprocess.CompletedProcess:
    return subprocess.run([AMBIENCE, "ctl", *args], capture_output=True, text=True,
                          timeout=timeout)


def status() -> dict:
    out = ctl("--json", "status")
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)["status"]


@pytest.fixture
def player():
    proc = start_player()
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


# ---------------------------------------------------------------- against the player
@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_ctl_changes_the_players_mix_and_status_reports_it(player):
    assert ctl("set", "rain", "0.4").returncode == 0
    assert ctl("master", "0.6").returncode == 0
    assert ctl("mute", "pink").returncode == 0
    s = status()
    assert s["preset"] == "custom mix"
    assert s["layers"] == [{"sound": "pink", "level": 0.5, "muted": True},
                           {"sound": "rain", "level": 0.4, "muted": False}]
    assert s["master"] == 0.6 and s["paused"] is False and s["timer"] is None
    assert ctl("unmute", "pink").returncode == 0
    assert ctl("set", "rain", "0").returncode == 0  # 0 removes the layer, as the mixer does
    assert [layer["sound"] for layer in status()["layers"]] == ["pink"]
    text = ctl("status")
    assert text.returncode == 0 and "custom mix · playing" in text.stdout
    assert "pink" in text.stdout and "no timer" in text.stdout


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_ctl_sets_the_living_mix_and_status_reports_it(player):
    assert ctl("set", "rain", "0.5").returncode == 0
    out = ctl("intensity", "rain", "0.25")
    assert (out.returncode, out.stdout) == (0, "rain: drizzle ·●··· downpour\n")
    for args in (("drift", "rain", "0.5"), ("presence", "pink", "0.5"),
                 ("motion", "pink", "0.75"), ("breathing", "6"), ("headphones", "on")):
        assert ctl(*args).returncode == 0, args
    state = status()
    rain, pink = (next(l for l in state["layers"] if l["sound"] == s) for s in ("rain", "pink"))
    assert (rain["drift"], rain["intensity"]) == (0.5, 0.25)
    assert (pink["presence"], pink["motion"]) == (0.5, 0.75)
    assert (state["breathing"], state["headphones"]) == (6.0, True)
    refused = ctl("intensity", "pink", "0.3")
    assert refused.returncode == 2 and "`pink` has no intensity to change" in refused.stderr
    assert ctl("breathing", "off").stdout == "breathing pacer off\n"
    assert ctl("headphones").stdout == "headphones mode off (speakers)\n"  # toggles
    assert status()["breathing"] == 0.0


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_ctl_timer_extend_shorten_cancel_pause_resume_toggle(player):
    assert ctl("timer", "10m", "--fade", "1m", "--then", "quit").returncode == 0
    t = status()["timer"]
    assert t["duration"] == 600 and t["fade"] == 60 and t["then"] == "quit"
    assert 590 < t["left"] <= 600
    assert ctl("extend", "5m").returncode == 0
    assert 890 < status()["timer"]["left"] <= 900
    assert ctl("shorten", "10m").returncode == 0
    assert 290 < status()["timer"]["left"] <= 300
    assert ctl("cancel-timer").returncode == 0
    assert status()["timer"] is None
    assert ctl("pause").stdout.strip() == "paused"
    assert status()["paused"] is True
    assert ctl("resume").stdout.strip() == "playing"
    assert ctl("toggle").stdout.strip() == "paused"
    assert ctl("toggle").stdout.strip() == "playing"
    assert player.poll() is None


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_ctl_preset_switches_the_players_preset(player):
    out = ctl("preset", "rainy study")
    assert out.returncode == 0, out.stderr
    s = status()
    assert s["preset"] == "Rainy study"
    assert "rain" in [layer["sound"] for layer in s["layers"]]


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_a_timer_shortened_past_its_end_ends_the_player_now(player):
    assert ctl("timer", "1h", "--then", "quit").returncode == 0
    assert ctl("shorten", "2h").returncode == 0
    code, out, err = stop(player)
    assert code == 0, err
    assert "timer ended: quitting" in out


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_ctl_quit_fades_the_player_out_and_it_exits_0(player):
    out = ctl("quit")
    assert out.returncode == 0 and "quitting" in out.stdout
    code, stdout, err = stop(player)
    assert code == 0 and err == ""
    assert "stopping: fading out over 1s" in stdout
    assert not socket_path().exists()  # removed on the way out
    assert ctl("status").returncode == 3


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_bad_input_exits_2_with_the_usual_messages_and_did_you_mean(player):
    out = ctl("set", "rian", "0.5")
    assert out.returncode == 2
    assert "unknown sound `rian` (did you mean `rain`?)" in out.stderr
    out = ctl("preset", "rainy studdy")
    assert out.returncode == 2 and "did you mean `Rainy study`" in out.stderr
    out = ctl("master", "1.5")
    assert out.returncode == 2 and "expected a level between 0 and 1, got '1.5'" in out.stderr
    out = ctl("timer", "soon")
    assert out.returncode == 2 and "not a duration: 'soon'" in out.stderr
    out = ctl("timer", "5m", "--fade", "10m")
    assert out.returncode == 2 and "longer than the timer" in out.stderr
    out = ctl("mute", "rain")
    assert out.returncode == 2 and "not in the mix" in out.stderr
    out = ctl("extend", "5m")
    assert out.returncode == 2 and "no sleep timer is running" in out.stderr
    out = ctl("--json", "set", "rian", "0.5")
    assert out.returncode == 2
    reply = json.loads(out.stdout)
    assert reply["ok"] is False and "did you mean `rain`" in reply["error"]
    assert "Traceback" not in out.stderr
    assert player.poll() is None
    assert status()["layers"] == [{"sound": "pink", "level": 0.5, "muted": False}]


def test_ctl_without_a_running_mixer_exits_3():
    out = ctl("status")
    assert out.returncode == 3
    assert "no mixer is running" in out.stderr
    out = ctl("--json", "pause")
    assert out.returncode == 3 and json.loads(out.stdout)["code"] == 3


def test_bad_input_is_refused_with_2_even_when_no_mixer_runs():
    out = ctl("master", "loud")
    assert out.returncode == 2 and "expected a level between 0 and 1" in out.stderr


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_a_second_player_says_how_to_steer_the_first_and_exits_2(player):
    second = subprocess.run(PLAY, capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert f"already running (pid {player.pid})" in second.stderr
    assert "ambience ctl" in second.stderr and "--replace" in second.stderr
    assert player.poll() is None and probe(socket_path()) == player.pid


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_replace_asks_the_first_to_fade_out_and_takes_over(player):
    second = subprocess.Popen(PLAY + ["--replace"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        code, out, err = stop(player, timeout=60)
        assert code == 0 and "stopping: fading out" in out
        wait_until_serving(second)
        assert status()["layers"][0]["sound"] == "pink"
    finally:
        second.terminate()
        second.communicate(timeout=30)


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_the_mixer_refuses_to_start_beside_a_player(player):
    out = subprocess.run([AMBIENCE, "--audio", "null"], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "already running" in out.stderr


def test_replace_is_refused_where_it_does_not_apply():
    out = subprocess.run([AMBIENCE, "--replace", "sounds"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and "--replace does not apply" in out.stderr


# ---------------------------------------------------------------- robustness, for real
def raw(payload: bytes, timeout: float = 30.0, close_write: bool = True) -> bytes:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(socket_path()))
    try:
        s.sendall(payload)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return data
    except (BrokenPipeError, ConnectionResetError):  # refused mid-send: also an answer
        return data if "data" in locals() else b""
    finally:
        s.close()


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_malformed_oversized_and_silent_clients_never_stop_the_player(player):
    silent = []
    for _ in range(3):  # clients that connect and never speak
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(socket_path()))
        silent.append(s)
    t0 = time.monotonic()
    assert status()["layers"][0]["sound"] == "pink"  # answered while they wait
    assert time.monotonic() - t0 < READ_TIMEOUT
    for payload in (b"not json\n", b"\xff\xfe\x00\n", b"[]\n", b'{"cmd": 5}\n',
                    b'{"cmd": "set", "sound": "rain", "level": "NaN"}\n',
                    b'{"cmd": "set", "sound": "rain", "level": 1e999}\n',
                    b'{"cmd": "timer", "duration": "1h", "then": "explode"}\n',
                    b'{"cmd": "status", "extra": 1}\n', b"[" * 3000 + b"\n", b"\n", b""):
        reply = raw(payload)
        if payload:
            assert json.loads(reply)["ok"] is False, payload
    reply = json.loads(raw(b'{"cmd": "status", "pad": "' + b"x" * 100_000 + b'"}\n'))
    assert reply["ok"] is False and "longer than 4096 bytes" in reply["error"]
    # a silent client is dropped after READ_TIMEOUT with a word why
    silent[0].settimeout(READ_TIMEOUT + 30)
    assert b"no request within" in silent[0].recv(4096)
    for s in silent:
        s.close()
    assert player.poll() is None
    assert ctl("set", "rain", "0.3").returncode == 0


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_a_stale_socket_left_by_a_crash_is_replaced():
    path = socket_path()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays, nobody listens: what a killed mixer leaves
    assert path.exists() and probe(path) is None
    proc = start_player()
    try:
        assert status()["layers"][0]["sound"] == "pink"
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.slow  # a real player process: seconds of wall-clock time
def test_a_killed_player_leaves_a_socket_the_next_one_replaces():
    first = start_player()
    first.kill()
    first.communicate(timeout=30)
    assert socket_path().exists()
    second = start_player()
    try:
        assert probe(socket_path()) == second.pid
    finally:
        second.terminate()
        second.communicate(timeout=30)


# ---------------------------------------------------------------- privacy
def as_other_user(fn) -> str:
    """Run `fn` in a forked child that has dropped to `nobody`; its returned text."""
    nobody = pwd.getpwnam("nobody")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            text = fn()
        except BaseException as exc:
            text = f"child failed: {exc!r}"
        os.write(w, text.encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        text = f.read().decode()
    os.waitpid(pid, 0)
    return text


def try_connect(path: str) -> str:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.settimeout(3)
        try:  # a refused peer is told so at once, before it asks
            return "answered: " + s.recv(4096).decode()
        except TimeoutError:
            pass
        s.settimeout(10)
        s.sendall(protocol.encode({"cmd": "status"}))
        return "answered: " + s.recv(4096).decode()
    except PermissionError:
        return "permission denied"
    finally:
        s.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to another user needs root")
def test_another_user_cannot_use_the_socket():
    served = []
    listener = claim()
    server = ControlServer(listener, lambda c: served.append(c) or protocol.ok("done")).start()
    try:
        path = str(listener.path)
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert os.stat(os.path.dirname(path)).st_mode & 0o077 == 0
        assert as_other_user(lambda: try_connect(path)) == "permission denied"
        # even with the file modes opened up, the peer's uid is checked
        os.chmod(os.path.dirname(path), 0o755)
        os.chmod(path, 0o666)
        text = as_other_user(lambda: try_connect(path))
        assert text.startswith("answered: ") and "refused" in text, text
        assert served == []
    finally:
        server.close()


def test_claim_refuses_while_a_live_server_answers():
    listener = claim()
    server = ControlServer(listener, lambda c: protocol.ok()).start()
    try:
        with pytest.raises(AlreadyRunning) as info:
            claim()
        assert info.value.pid == os.getpid()
    finally:
        server.close()
    assert not listener.path.exists()
    claim().release()


def test_without_xdg_runtime_dir_a_private_folder_under_tmp_is_used(monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    path = socket_path()
    assert path.parent == Path(f"/tmp/ambience-{os.getuid()}")
    assert os.stat(path.parent).st_mode & 0o777 == 0o700


# ---------------------------------------------------------------- fuzzing the server
@pytest.fixture(scope="module")
def echo_server(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("sock", numbered=True)) / "s.sock"
    if len(str(path)) > 100:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="amb-fz-")) / "s.sock"
    listener = claim(path)
    server = ControlServer(listener, lambda c: protocol.ok(c.name)).start()
    yield path
    server.close()


def send(path: Path, payload: bytes) -> bytes:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(str(path))
    try:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return data
    except (BrokenPipeError, ConnectionResetError):
        return b""
    finally:
        s.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10,
)
requests = st.fixed_dictionaries(
    {"cmd": st.sampled_from(list(protocol.COMMANDS)) | st.text(max_size=12)},
    optional={k: json_values | st.sampled_from(["0.5", "45m", "rain", "quit", "-1", "0"])
              for k in ("sound", "level", "name", "duration", "fade", "then", "by", "x")},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.binary(max_size=600) | requests.map(
    lambda r: json.dumps(r).encode() + b"\n"))
def test_fuzzed_requests_get_one_json_reply_and_the_server_serves_on(echo_server, payload):
    reply = send(echo_server, payload)
    if payload.strip(b"\n") or b"\n" in payload:
        decoded = json.loads(reply)
        assert isinstance(decoded, dict) and decoded["ok"] in (True, False)
        if decoded["ok"]:
            assert decoded["message"] in protocol.COMMANDS
    assert json.loads(send(echo_server, b'{"cmd":"status"}\n'))["ok"] is True


@settings(max_examples=300, deadline=None)
@given(request=json_values | requests)
def test_validate_either_accepts_or_says_why(request):
    try:
        command = validate(request)
    except BadRequest as exc:
        assert str(exc)
    else:
        assert command.name in protocol.COMMANDS


def test_protocol_messages_match_the_command_line():
    with pytest.raises(BadRequest, match=r"did you mean `pause`"):
        validate({"cmd": "paus"})
    with pytest.raises(BadRequest, match="expected a level between 0 and 1, got 'NaN'"):
        validate({"cmd": "master", "level": "NaN"})
    assert validate({"cmd": "timer", "duration": "1h30m", "fade": "0"}).args == {
        "duration": 5400.0, "fade": 0.0, "then": "stop"}
    assert validate({"cmd": "timer", "duration": 45}).args["duration"] == 2700.0
    with pytest.raises(BadRequest, match="`set` needs level"):
        validate({"cmd": "set", "sound": "rain"})


def test_many_clients_at_once_are_all_answered(echo_server):
    from ambience.control.client import request

    replies = []

    def one():  # the real client: it waits out a full backlog
        replies.append(request({"cmd": "toggle"}, echo_server, timeout=60))

    threads = [threading.Thread(target=one) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == 100
    assert all(r["ok"] or "busy" in r["error"] for r in replies)
    assert any(r["ok"] for r in replies)


def test_ambience_ctl_loads_neither_pyo_nor_textual():
    code = ("import sys\nfrom ambience.cli import main\ncode = main(['ctl', 'status'])\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pyo', 'textual'))\n"
            "print(code, ','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.split() == ["3"], out.stdout + out.stderr
