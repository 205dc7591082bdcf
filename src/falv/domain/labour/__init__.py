"""劳动争议 (labour disputes between a worker and the employer): unpaid wages, dismissal and forced
resignation, no written contract, overtime, social insurance, work injury … — data only
(data/vocab.toml, data/rules.toml, data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
