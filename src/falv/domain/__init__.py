"""Domain knowledge beyond statute text: what a person should do next, as data-driven rules that
each point to the articles they rest on (personal_info/ is the first domain)."""
