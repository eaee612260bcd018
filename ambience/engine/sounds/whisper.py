"""Whisper: soft, unintelligible close-up whispering in phrases, drifting from ear to ear.

Whispered speech is noise shaped by the vocal tract: band-passed noise whose formant peaks
jump between vowel-like positions once a syllable (4-6 per second), with broad sibilant
hisses (a 4-9 kHz band, Q 0.9, 80-125 ms) in front of some syllables and now and then a soft
mouth click (0.5-2 ms around 2-6 kHz, a few every ten seconds), as in close-up ASMR
whispering. Phrases of 1.5-4 s (a breathy swell) alternate with 1-3 s of pause, some ending
in a soft inhale, and the voice drifts slowly between the ears; the room's quiet stays in
the pauses. One full-rate table noise feeds everything (no dead band); every other control
is a cheap trigger-rate random.
"""

from __future__ import annotations

from ambience.engine.source import Source, pyo
from ambience.engine.sounds._floor import floor
from ambience.engine.sounds._tables import table_noise

# Gain that puts the whisper at -23 LUFS at slider 1.0 (measured by the loudness test).
WHISPER_GAIN = 3.03
#: the whisper's ceiling before the pan (-4.4 dBFS): only rare peaks reach it
CEILING = 0.6
#: mouth clicks: chance (%) per 50 ms tick, and their level
CLICK_CHANCE = 2.5
CLICK = 1.2
#: the room's floor (RMS)
ROOM_TONE = 0.0008


class Whisper(Source):
    def build(self):
        own = self.own
        raw = table_noise(self, 2.03)
        # whispers have no voicing: nothing much below the first formant
        air = own(pyo.ButHP(raw, 450))

        # phrases: 1.5-4 s of whispering, then 1-3 s of silence
        phrase_tick = own(pyo.Metro(3.0))
        length = own(pyo.TrigRand(phrase_tick, 1.5, 4.0, init=2.5))
        period = own(pyo.TrigRand(phrase_tick, 1.0, 3.0, init=2.0, add=length))
        phrase_tick.setTime(period)
        phrase_shape = own(pyo.CosTable([(0, 0.0), (1300, 1.0), (5000, 0.8), (8191, 0.0)]))
        phrase = own(pyo.TrigEnv(phrase_tick, phrase_shape, dur=length, mul=WHISPER_GAIN))
        # before about half the phrases, a soft close inhale at the end of the pause (the
        # last 14 % of the period: a phrase never fills more than 80 % of it)
        inhale_level = own(pyo.TrigChoice(phrase_tick, [0.0, 0.0, 0.2, 0.35], init=0.0,
                                          mul=WHISPER_GAIN))
        inhale_shape = own(pyo.CosTable([(0, 0.0), (7050, 0.0), (7750, 1.0), (8150, 0.0),
                                         (8191, 0.0)]))
        inhale = own(pyo.TrigEnv(phrase_tick, inhale_shape, dur=period, mul=inhale_level))

        # syllables, 4-6 a second, each with its own vowel and level. A syllable starts and
        # ends at the same envelope value, so the chain is continuous; the level glides.
        syl_tick = own(pyo.Metro(0.2))
        syl_len = own(pyo.TrigRand(syl_tick, 0.16, 0.25, init=0.2))
        syl_tick.setTime(syl_len)
        syl_level = own(pyo.TrigChoice(syl_tick, [0.25, 0.5, 0.65, 0.8, 0.9, 1.0],
                                       port=0.03, init=0.7))
        vowel_shape = own(pyo.CosTable([(0, 0.3), (1000, 0.12), (3600, 1.0), (6500, 0.45),
                                        (7700, 0.3), (8191, 0.3)]))
        # a little longer than the syllable: the next one takes over before it ends (an
        # envelope that has run out drops to zero)
        overlap = own(pyo.Sig(syl_len, mul=1.05))
        vowel = own(pyo.TrigEnv(syl_tick, vowel_shape, dur=overlap, mul=syl_level))
        f1 = own(pyo.TrigRand(syl_tick, 320.0, 850.0, init=500.0, port=0.04))
        f2 = own(pyo.TrigRand(syl_tick, 950.0, 2400.0, init=1500.0, port=0.05))
        f3 = own(pyo.Sig(f2, mul=0.5, add=1900.0))  # follows F2 a little, as in speech
        # a sibilant ("s", "sh", "t") in front of about one syllable in three
        sib_on = own(pyo.TrigChoice(syl_tick, [0.0, 0.0, 0.0, 0.0, 0.5, 1.0]))
        sib_shape = own(pyo.CosTable([(0, 0.0), (900, 1.0), (3000, 0.8), (4400, 0.0),
                                      (8191, 0.0)]))
        sib_env = own(pyo.TrigEnv(syl_tick, sib_shape, dur=syl_len, mul=sib_on))

        # ComplexRes is a cheap resonator even with moving frequencies; a short decay
        # makes a wide band (the decay sets the bandwidth and the peak gain)
        parts = [
            own(pyo.ComplexRes(air, freq=f1, decay=0.003, mul=vowel)),
            own(pyo.ComplexRes(air, freq=f2, decay=0.003, mul=vowel)),
            own(pyo.ComplexRes(air, freq=f3, decay=0.0006, mul=vowel)),  # wide: aspiration
        ]
        # the sibilant: a broad band (Q 1.5), not a ringing peak
        sibilant = own(pyo.Biquad(air, freq=6000.0, q=0.9, type=2, mul=sib_env))
        parts.append(own(pyo.Sig(sibilant, mul=0.25)))
        voice = own(pyo.Mix(parts, voices=1, mul=phrase))
        breath = own(pyo.ComplexRes(air, freq=1600.0, decay=0.0004, mul=inhale))
        # soft mouth clicks, a few every ten seconds
        tick = own(pyo.Metro(0.05))
        lips = own(pyo.Percent(tick, percent=CLICK_CHANCE))
        click_len = own(pyo.TrigRand(lips, 0.0005, 0.002, init=0.001))
        click_level = own(pyo.TrigRand(lips, 0.3, 1.0, init=0.5, mul=CLICK * WHISPER_GAIN))
        click_t = own(pyo.CosTable([(0, 0.0), (1200, 1.0), (8191, 0.0)]))
        click_env = own(pyo.TrigEnv(lips, click_t, dur=click_len, mul=click_level))
        click_freq = own(pyo.TrigRand(lips, 2000.0, 6000.0, init=3500.0))
        smack = own(pyo.ComplexRes(own(pyo.Sig(raw, mul=click_env)), freq=click_freq,
                                   decay=0.0015))
        mouth = own(pyo.Mix([voice, breath, smack], voices=1))
        # a rare pile-up of formant peaks would set the peak level: shave it off
        shaved = own(pyo.Clip(mouth, min=-CEILING, max=CEILING))
        # drifting from ear to ear (a linear pan: louder near an ear, as a close voice is)
        drift = own(pyo.Randi(0.12, 0.88, freq=0.06))
        other = own(pyo.Sig(drift, mul=-1.0, add=1.0))
        whisper = own(pyo.Sig([shaved, shaved], mul=[drift, other]))
        room = floor(self, ROOM_TONE, high=4000.0, noise=raw)
        return own(pyo.Mix([whisper, room], voices=2))


SOUNDS = {"whisper": Whisper}
