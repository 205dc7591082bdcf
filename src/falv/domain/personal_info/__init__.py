"""Personal-information toolkit: the case frame and its rules, complaint routing, the 两高解释 第五条 threshold
calculator and rights-request drafts. Tables and templates are data (data/, templates/); the
articles they cite are quoted from the statute store at run time, never stored here."""

from ..basis import Basis, quote
from ..channels import Channel
from .frame import Frame, named_frame, read_frame
from .routing import channels_for, route
from ..drafts import draft_kinds, render_draft
from .severity import assess, severity

__all__ = ["Basis", "quote", "Channel", "channels_for", "route", "draft_kinds", "render_draft",
           "Frame", "named_frame", "read_frame", "assess", "severity"]
