"""民间借贷 (private loans between people, or from small lenders): money lent and not repaid,
proof without an IOU (transfers, chat records), the three-year limitation and what interrupts
it, interest caps (四倍 LPR, 砍头息, 复利), guarantors, a spouse's loan, where and how to sue (支付令,
财产保全), a borrower who vanished, violent collection — data only (data/vocab.toml,
data/rules.toml, data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
