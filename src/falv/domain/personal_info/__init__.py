"""Personal information and privacy, the first domain: the case frame and its rules (data/),
the 两高解释 第五条 threshold calculator (severity.py) and the rights-request letters
(templates/). Its Domain object is `area.DOMAIN`. Tables and templates are data; the articles
they cite are quoted from the statute store at run time, never stored here."""
