"""婚姻家庭 (marriage and family): divorce by agreement or by suit, custody, child support and
visitation, marital property and debts, 彩礼, domestic violence and the 人身安全保护令, supporting
elderly parents — data only (data/vocab.toml, data/rules.toml, data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
