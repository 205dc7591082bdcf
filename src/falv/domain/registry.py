"""The registry of domains: the one list the answer layer, search's bridges, `route`, `draft`
and the web page ask (never a domain by name)."""

from __future__ import annotations

from functools import lru_cache

from ..errors import InputError
from .consumer import DOMAIN as CONSUMER
from .family import DOMAIN as FAMILY
from .labour import DOMAIN as LABOUR
from .lending import DOMAIN as LENDING
from .personal_info.area import DOMAIN as PERSONAL_INFO
from .personal_info.severity import severity as calculate
from .protocol import Domain
from .tenancy import DOMAIN as TENANCY
from .traffic import DOMAIN as TRAFFIC

DOMAINS: tuple[Domain, ...] = (PERSONAL_INFO, LABOUR, CONSUMER, FAMILY, TENANCY, LENDING, TRAFFIC)


def get(domain_id: str) -> Domain:
    for d in DOMAINS:
        if d.id == domain_id:
            return d
    raise KeyError(domain_id)


@lru_cache(maxsize=1)
def scenario_owners() -> dict[str, Domain]:
    """Named frame id → its domain (ids are unique across domains)."""
    out: dict[str, Domain] = {}
    for d in DOMAINS:
        for sid in d.scenarios():
            if sid in out:
                raise ValueError(f"场景 id 重复：{sid}（{out[sid].id} 与 {d.id}）")
            out[sid] = d
    return out


def scenario(sid: str):
    """(domain, frame) of a named frame; an unknown name is an input error listing the known."""
    owner = scenario_owners().get(sid) if isinstance(sid, str) else None
    if owner is None:
        raise InputError(f"未知的场景：{sid}", hint="可用场景：" + "、".join(scenario_owners()))
    return owner, owner.named_frame(sid)


def severity(counts: dict, gains, store, **flags) -> dict:
    """The threshold calculator (`falv severity`): 侵犯公民个人信息罪 情节 under 两高解释第五条/第六条."""
    return calculate(counts, gains, store, **flags)
