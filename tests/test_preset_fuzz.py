"""Property tests: whatever bytes or TOML arrive, the loader answers with a Preset or a
PresetError, never another exception, and what it accepts survives dumps/loads unchanged;
valid presets survive too; a NaN anywhere (it equals nothing) is refused, naming its key."""

from __future__ import annotations

import tomli_w
import math
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambience.library.preset import Preset, PresetError, PresetLayer, TimerDefaults, dumps_preset, loads_preset

KEYS = ["format", "name", "description", "author", "master", "timer", "layers", "sound",
        "level", "muted", "duration", "fade", "then", "x"]



def scalars_with(nan: bool):
    return st.one_of(
        st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=nan),
        st.text(max_size=20), st.sampled_from(["rain", "stop", "quit", "45m", "0", "a/b.wav", ""]),
        st.integers(0, 3), st.floats(0, 1), st.dates(), st.datetimes(), st.times(),
    )


#: anything TOML can hold, NaN included
scalars = scalars_with(nan=True)
#: what a valid preset may hold: NaN is refused
finite_scalars = scalars_with(nan=False)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))


def values(depth: int = 2, leaves=scalars):
    if depth == 0:
        return leaves
    inner = values(depth - 1, leaves)
    return st.one_of(
        leaves,
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=5),
        st.lists(st.dictionaries(keys, inner, max_size=5), max_size=4),
    )


documents = st.dictionaries(keys, values(), max_size=8)


def _only_preset_error(data) -> None:
    """A PresetError naming the source, or a Preset that saves and reads back as itself."""
    try:
        result = loads_preset(data, source="fuzz")
    except PresetError as exc:
        assert exc.problems and all(p.file == "fuzz" for p in exc.problems)
        assert str(exc)
    else:
        assert isinstance(result, Preset)
        assert loads_preset(dumps_preset(result)) == result


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_random_toml_documents_raise_only_preset_error(doc):
    _only_preset_error(tomli_w.dumps(doc))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_preset_error(data):
    _only_preset_error(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_random_text_raises_only_preset_error(text):
    _only_preset_error(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="[]=\"'.,{}\n #abc01layerstimer", max_size=120))
def test_toml_shaped_noise_raises_only_preset_error(text):
    _only_preset_error(text)


layers = st.lists(
    st.builds(PresetLayer, st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
              st.floats(0, 1), st.booleans(),
              st.dictionaries(st.sampled_from(["pan", "note"]), finite_scalars, max_size=2)),
    max_size=6, unique_by=lambda layer: layer.sound,
)
names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s)
presets = st.builds(
    Preset, name=names, description=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    author=st.text(st.characters(blacklist_categories=("Cs",)), max_size=10), master=st.floats(0, 1), layers=layers,
    timer=st.one_of(st.none(), st.builds(TimerDefaults, st.sampled_from(["45m", "1h30m", 20, 2.5]),
                                         st.sampled_from([None, "1m", "0", 1]), st.sampled_from([None, "stop", "quit"]))),
    extra=st.dictionaries(st.sampled_from(["mood", "colour", "x-y"]), values(1, finite_scalars),
                          max_size=3),
)


@settings(max_examples=100, deadline=None)
@given(presets)
def test_valid_presets_survive_dumps_and_loads(preset):
    assert loads_preset(dumps_preset(preset)) == preset


@settings(max_examples=100, deadline=None)
@given(presets, st.sampled_from(["top", "timer", "layer"]), st.booleans())
def test_a_nan_anywhere_is_refused_naming_its_key(preset, where, nested):
    nan = [1.0, math.nan] if nested else math.nan
    doc = tomllib.loads(dumps_preset(preset))
    if where == "timer":
        doc.setdefault("timer", {})["x-nan"] = nan
        field = "timer.x-nan"
    elif where == "layer" and doc.get("layers"):
        doc["layers"][-1]["x-nan"] = nan
        field = f"layers[{len(doc['layers'])}].x-nan"
    else:
        doc["x-nan"] = nan
        field = "x-nan"
    try:
        loads_preset(tomli_w.dumps(doc), source="fuzz")
    except PresetError as exc:
        assert [(p.field, p.message) for p in exc.problems] == [
            (field, "nan is not a number; write a number or remove `x-nan`")]
    else:
        raise AssertionError(f"a preset with nan in {field} was accepted")


near_valid = st.fixed_dictionaries(
    {"format": st.one_of(st.just(1), scalars), "name": st.one_of(st.just("x"), scalars)},
    optional={
        "master": scalars,
        "timer": st.dictionaries(st.sampled_from(["duration", "fade", "then", "x"]), scalars, max_size=4),
        "layers": st.lists(
            st.dictionaries(st.sampled_from(["sound", "level", "muted", "pan"]), scalars, max_size=4),
            max_size=5),
    },
)


@settings(max_examples=150, deadline=None)
@given(near_valid)
def test_nearly_valid_documents_raise_only_preset_error(doc):
    _only_preset_error(tomli_w.dumps(doc))


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=300), documents.map(lambda d: tomli_w.dumps(d).encode())))
def test_random_files_raise_only_preset_error(data):
    import tempfile
    from pathlib import Path

    from ambience.library.preset import load_preset

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(data)
        try:
            result = load_preset(path)
        except PresetError as exc:
            assert all(p.file == str(path) for p in exc.problems)
        else:
            assert isinstance(result, Preset) and result.source == path
