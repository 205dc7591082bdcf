"""消费者权益 (a consumer against the business that sold goods or services to them): fraud and
fakes (退一赔三), unsafe food and drugs (十倍), seven-day returns of online purchases, quality
defects, prepaid cards, used cars, platform and livestream liability, defective products that
injure, misleading advertising and price tricks, services not delivered, the 12315 complaint
itself — data only (data/vocab.toml, data/rules.toml, data/letters.toml, templates/)."""

from ..area import AreaDomain

DOMAIN = AreaDomain(__name__)
