"""The audio engine: the only package that imports pyo (through `quiet.import_pyo`)."""

from ambience.engine.backends import AudioUnavailable, OutputDevice, output_devices
from ambience.engine.engine import Engine, EngineError, Levels

__all__ = ["AudioUnavailable", "Engine", "EngineError", "Levels", "OutputDevice", "output_devices"]
