"""房屋租赁 (renting a home): deposits, the landlord entering the flat, early termination by
either side, selling the flat during the lease, subleases and 二房东, repairs, rent increases,
water and power cut off, group rentals, 租金贷 through an agency … — data only (data/vocab.toml,
data/rules.toml, data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
