"""The challenge a kiosk attempt must answer: a blink and a head turn, in a random order,
filmed at a known frame rate.

The server picks the steps (``random_challenge``) and binds them to the
attempt's one-time nonce (``checkin.challenge_issue``). The kiosk captures
``REFERENCE_FRAMES`` frames while the person simply looks at the camera (no
instruction shown yet), then ``STEP_FRAMES[step]`` frames per step, at ``FPS``
frames a second, showing each step's prompt as its frames begin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

BLINK = "blink"
TURN_LEFT = "turn_left"
TURN_RIGHT = "turn_right"
TURNS = (TURN_LEFT, TURN_RIGHT)
STEPS = (BLINK, *TURNS)

FPS = 10
REFERENCE_FRAMES = 3
STEP_FRAMES = {BLINK: 10, TURN_LEFT: 12, TURN_RIGHT: 12}
# People react to an instruction a little late: a step's movement may spill
# this many frames into the next step's window.
SPILL_FRAMES = 3


@dataclass(frozen=True)
class Plan:
    """The steps of one challenge and the frames that belong to each."""

    steps: tuple[str, ...]

    @classmethod
    def parse(cls, kind: str) -> Plan:
        steps = tuple(kind.split(","))
        if not steps or any(step not in STEPS for step in steps):
            raise ValueError(f"unknown challenge {kind!r}")
        return cls(steps)

    @property
    def kind(self) -> str:
        return ",".join(self.steps)

    @property
    def frames(self) -> int:
        return REFERENCE_FRAMES + sum(STEP_FRAMES[step] for step in self.steps)

    def window(self, step: str) -> range:
        """Frames in which ``step`` may happen: its own, and a little of the next one's."""
        start = REFERENCE_FRAMES
        for current in self.steps:
            if current == step:
                return range(start, min(self.frames, start + STEP_FRAMES[step] + SPILL_FRAMES))
            start += STEP_FRAMES[current]
        raise ValueError(step)


def random_challenge() -> str:
    """Blink and a turn to one side, in a random order: four challenges, chosen by the server."""
    turn = secrets.choice(TURNS)
    steps = [BLINK, turn] if secrets.randbelow(2) else [turn, BLINK]
    return ",".join(steps)


def random_challenge_with(rng: np.random.Generator) -> str:
    """The same choice from a seeded generator (for reproducible evaluations)."""
    turn = TURNS[int(rng.integers(0, 2))]
    return ",".join([BLINK, turn] if rng.integers(0, 2) else [turn, BLINK])


def step_prompt(step: str) -> str:
    if step == BLINK:
        return _("Blink slowly once.")
    if step == TURN_LEFT:
        return _("Turn your head to your left, then look back.")
    return _("Turn your head to your right, then look back.")
