"""交通事故 (road traffic accidents): 交强险 first, then fault shares; what can be claimed; hit-and-run
and the 社会救助基金; pedestrians and non-motor vehicles; borrowed, rented or unregistered cars; a
worker who causes an accident on the job; passengers and free rides; the 交警's 认定书 and its
review; insurers that refuse to pay — data only (data/vocab.toml, data/rules.toml,
data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
