"""The machinery every domain shares: a vocabulary that reads a question into slots (who, what,
what was done …, each with the words that supported it), and a rulebook whose rules turn slots
into steps of advice. Both are data files of the domain; both validate themselves on load, so an
unknown key or id (`act = ["harras"]`) is an error naming file:line, never a rule that silently
never fires.

Why one machinery: a domain is data plus a little code. Personal information, labour, family …
read questions and order their steps the same way; only their words, rules and flags differ.

Split by job, each name importable from here: datafile.py (a domain's TOML file, its error
locations), vocabulary.py (the entries of each slot, loaded and validated), reading.py (reading a
question into slots), agents.py (whose act it was: the actors put in the order an answer takes
them), clauses.py (sentence and clause bounds and the span helpers both share), rules.py (rules,
steps and clarifying questions).
"""

from .agents import order_agents
from .datafile import DataFile, RulebookError
from .reading import Reading, prepare, read_slots
from .rules import Flag, Question, Rule, Rulebook, Step, check_conditions, load_questions, load_rulebook
from .vocabulary import Entry, Vocabulary, load_vocabulary

__all__ = ["DataFile", "Entry", "Flag", "Question", "Reading", "Rule", "Rulebook", "RulebookError",
           "Step", "Vocabulary", "check_conditions", "load_questions", "load_rulebook",
           "load_vocabulary", "order_agents", "prepare", "read_slots"]
