"""Personal-information toolkit: leak scenarios, complaint routing, the 两高解释 第五条 threshold
calculator and rights-request drafts. Tables and templates are data (data/, templates/); the
articles they cite are quoted from the statute store at run time, never stored here."""

from .basis import Basis, quote
from .channels import Channel, channels_for, route
from .drafts import draft_kinds, render_draft
from .scenarios import ScenarioHit, Step, detect, steps_for
from .severity import assess, severity

__all__ = ["Basis", "quote", "Channel", "channels_for", "route", "draft_kinds", "render_draft",
           "ScenarioHit", "Step", "detect", "steps_for", "assess", "severity"]
