"""Whose act it was: which words of the actor dimension name no actor (我的单位, 物业群, 自称京东客服),
whether an act is the asker's own, and the actors put in the order an answer should take them —
the doer of the act complained of first (order_agents)."""

from __future__ import annotations

import re

from .clauses import CLAUSE_START, SENTENCE_END, inside, spans_of, start_of

# An actor word in these positions names no actor: 我的单位 (information), 物业群 / 业主群 (a place)
_NOT_ACTOR_BEFORE = ("我的", "我们的", "寄到我", "到我", "给我", "打我", "找我", "自称", "冒充", "假冒",
                     "假装", "说是", "自称是", "冒充我", "毕业")
# … and 学校毕业 (information)
_NOT_ACTOR_AFTER = ("群", "圈", "毕业", "姓名", "名字", "身份证", "的成绩", "的姓名",
                    "的名字", "的信息", "的电话", "的照片", "的身份证", "的住址", "的地址", "的隐私",
                    "的资料", "的手机")


# 大学时 / 上高中的时候: a time of the asker's life, no school acting
_SCHOOL_YEARS = ("大学", "中学", "小学", "高中", "初中")
_TIME_AFTER = re.compile(r"(时|的时候|那会|那年|期间)")
_IMPERSONATED = re.compile(r"(自称|冒充|假冒|假装|装成)[^，。；,;]{0,5}$")
_POSED_AS = re.compile(r"(说是|称是|说他是|说自己是)[^，。；,;]{0,6}$")  # 对方说是某购物平台的客服
_POSED_ROLE = re.compile(r"的?(客服|工作人员|员工|警察|民警|领导)")

# a mention that only received or learnt of it (初中同学都接到了, 家人都知道了) did not do it
_RECEIVER_AFTER = re.compile(r"(都|也|全|全都)?(接到|收到|看到|知道|看见|听说)|(转给|发给|告诉|提醒)我")
# a mention the asker rules out in its own clause: 不是物业泄露的, 原以为是快递员 (是不是 asks, it rules nothing out)
_RULED_OUT = re.compile(r"(?<!是)(不是|并不是|并非|以为是|还以为|原以为|怀疑是)[^，。；,;]{0,4}$")
_PRONOUN = re.compile(r"(他们|她们|他|她|对方)")  # standing for a doer named before
_HEARD = re.compile(r"(听说|听到|听[^，。；,;]{0,8}说|发现|看到|得知|搜到|刷到)")  # what the asker learnt of
_ASKER_SUBJECT = re.compile(r"^(刚才|昨天|今天|前天|上个月|上周|去年|前年|后来|当时|之前|然后|结果|但是?|可是?|而且?|就|也|还|又|都)?"
                            r"我(?!的|们)(自己)?")

# Words before an actor's mention that make it the object of the act, not its doer: 发给单位领导,
# 向物业投诉, 跟中介说, 在银行办卡 (a place), 去医院, 找老板
_OBJECT_BEFORE = re.compile(r"(给|向|对|跟|和|与|(?<![看听收接遇碰想提拿])找|问|去|(?<![看听找收接得遇碰想提拿])到|(?<![现正还都实存好])在|让|叫|请|帮|替|根据)"
                            r"了?[^，。；,;给向对跟和与找问去到在让叫请帮替把被了的]{0,4}$")


_OWNED = re.compile(r"^(的|里|里的|里面的|那边的|那里的|那个|的那个|里有|里面有|上班的|工作的|做的|当[^，。]{0,2}的)?$")

Mention = tuple[int, int, str]  # (start, end, actor id)


def names_no_actor(text: str, start: int, end: int) -> bool:
    """Whether the actor word at start:end names no actor: 我的X (information: 我的单位被公开), X群
    (a chat group: 发到物业群里), a time of life (大学时), a pastime (打游戏) or the one
    impersonated (自称京东客服, 说是某购物平台的客服)."""
    return bool(text[max(0, start - 3):start].endswith(_NOT_ACTOR_BEFORE)
                or text[end:end + 3].startswith(_NOT_ACTOR_AFTER)
                or (text[start:end] in _SCHOOL_YEARS and _TIME_AFTER.match(text, end))
                or (text[start:end] == "游戏" and text[max(0, start - 1):start] in ("打", "玩"))
                or _IMPERSONATED.search(text, max(0, start - 8), start)
                or (_POSED_AS.search(text, max(0, start - 8), start) and _POSED_ROLE.match(text, end)))


def by_the_asker(text: str, start: int, found: dict, spans: dict, actors: str) -> bool:
    """Whether the act at `start` is the asker's own (我告诉领导自己怀孕了, 我自己把快递盒扔了): its
    clause begins with 我 as the subject and names no actor before the act."""
    clause = start_of(CLAUSE_START, text, start)
    head = text[clause:start]
    if not _ASKER_SUBJECT.match(head) or "被" in head or text.startswith("被", start):
        return False
    if _PRONOUN.search(head) or _HEARD.search(head):  # 我听租客说他把复印件卖了: his act, not mine
        return False
    return not any(clause <= sp[0] < start for k in found.get(actors, [])
                   for sp in spans.get(f"{actors}.{k}", []))


def _owner(text: str, mentions: list[Mention], m: Mention) -> str:
    """The actor a mention stands for: a person named right after an organisation belongs to it
    (驿站的老板, 中介的业务员, 医院里有人, 物业前台)."""
    while True:
        prev = [p for p in mentions if p[1] <= m[0] and m[0] - p[1] <= 3 and p[2] != m[2]]
        if not prev or not _OWNED.match(text[prev[-1][1]:m[0]]):
            return m[2]
        m = prev[-1]


def _not_object(text: str, m: Mention) -> bool:
    """Whether the mention is not the object of a preposition (发给单位领导, 向物业投诉)."""
    return not _OBJECT_BEFORE.search(text[max(0, m[0] - 6):m[0]])


_PIVOT_BEFORE = re.compile(r"(找|让|叫|请|托|求|拜托)[^，。；,;找让叫请托求]{0,6}$")  # 找派出所的哥们查的: he did the 查
_PREDICATE_AFTER = re.compile(r"的?[，。；,;]")  # 柜台的小姑娘是我们村的，: a description, not a doer


def _could_do(text: str, m: Mention) -> bool:
    """Whether the mention could be a doer: no object of a preposition, not one who only received
    or learnt of it (同学都接到了), not one the asker says it was not or only thought it was
    (不是骑手说出去的, 一开始以为是快递员)."""
    return (_not_object(text, m) and not _RECEIVER_AFTER.match(text, m[1])
            and not _RULED_OUT.search(text, max(0, start_of(CLAUSE_START, text, m[0])), m[0])
            and not (text[max(0, m[0] - 1):m[0]] == "是" and _PREDICATE_AFTER.match(text, m[1])))


def order_agents(text: str, dim: str, found: dict, spans: dict, acts: str,
                 objects: tuple[str, ...] = (), first: tuple[str, ...] = (),
                 weak: frozenset = frozenset(), strong: frozenset = frozenset(),
                 yielding: frozenset = frozenset(), firm: frozenset = frozenset(),
                 ask_when_unsure: bool = False) -> list[str]:
    """The actors in the order an answer should take them: first the one who did the act
    complained of (who leaked, posted, sold, called), not the first organisation named. The acts
    are taken in the order `first` gives (selling before a phone call), then as named. The doer of
    an act is the actor named after 被 before it (被物业泄露), else the nearest one named before it
    in its sentence that is not the object of a preposition (发给单位领导, 向物业投诉) nor part of
    the information (`objects`: 工作单位), a person belonging to the organisation named just before
    (驿站的老板), else — where a pronoun stands for the doer (照片被他们发到…) — the actor named last
    before the pronoun, else the nearest one after it in the same sentence. A `weak` doer (an
    indefinite 有人) yields to a `strong` actor named too (the holder whose data it was), unless a
    `firm` act was read (a scam: 有人冒充班主任 is no teacher's doing); the rest follow in the order
    they are named. With `ask_when_unsure`, a doer read only from an actor named after the act or
    in the sentence before gives no actor at all: the answer asks who did it instead of routing to
    a guess."""
    actors = found.get(dim, [])
    firmly = any(a in firm for a in found.get(acts, []))
    if not actors or (len(actors) < 2 and not firmly):
        return actors
    taken = spans_of(found, spans, objects)
    mentions = _coreferent(text, sorted((sp[0], sp[1], a) for a in actors for sp in spans[f"{dim}.{a}"]
                                        if not inside(sp, taken)))
    for act in _acts_in_order(found.get(acts, []), spans, acts, first):
        # the first place the act is named whose doer is read (以为是物业给的，后来才知道是中介卖的)
        read = next((r for sp in spans[f"{acts}.{act}"]
                     if (r := _doer(text, mentions, sp, act in firm))[0] is not None), None)
        if read is None:
            continue
        agent, sure = read
        if not sure and not firmly and ask_when_unsure:  # only named after the act or in another
            return []  # sentence: whose act it was is not said — ask (还需要确认), route to no guess
        return _first(text, mentions, actors, agent, act, weak, strong, yielding, firmly)
    if firmly:
        return _bystanders_dropped(text, mentions, actors, strong)
    return actors


def _bystanders_dropped(text: str, mentions: list[Mention], actors: list[str],
                        strong: frozenset) -> list[str]:
    """The actors of a scam whose doer is unnamed (那头): the bank the money went through, the
    school the grandson is at, the platform that was asked, the shop the fake tasks were for
    (给网店点赞刷单) did nothing; the person described did."""
    return [a for a in actors if a not in strong
            and any(m[2] == a and _could_do(text, m) for m in mentions)]


def _first(text: str, mentions: list[Mention], actors: list[str], agent: str, act: str,
           weak: frozenset, strong: frozenset, yielding: frozenset, firmly: bool) -> list[str]:
    """The actors with the doer first; a `weak` doer of a `yielding` act gives way to a named
    holder that could have done it."""
    if agent in weak and act in yielding and not firmly:
        agent = _holder(text, mentions, strong, agent)
    return [agent] + [a for a in actors if a != agent]


def _coreferent(text: str, mentions: list[Mention]) -> list[Mention]:
    """A shorter mention that repeats the end of an earlier one stands for the same actor (大堂经理 …
    经理居然把…: the bank's manager, not an employer's)."""
    out = []
    for m in mentions:
        words = text[m[0]:m[1]]
        same = [p for p in out if p[2] != m[2] and p[1] <= m[0] and p[1] - p[0] > len(words)
                and text[p[0]:p[1]].endswith(words)]
        out.append((m[0], m[1], same[-1][2]) if same else m)
    return out


def _acts_in_order(read: list[str], spans: dict, acts: str, first: tuple[str, ...]) -> list[str]:
    """The acts read, in the order `first` gives, then as named."""
    rank = {a: i for i, a in enumerate(first)}
    return sorted(read, key=lambda a: (rank.get(a, len(rank)), spans[f"{acts}.{a}"][0][0]))


def _holder(text: str, mentions: list[Mention], strong: frozenset, agent: str) -> str:
    """The first `strong` actor (a holder whose data it was) named other than as the object of a
    preposition, else `agent`."""
    free = [m[2] for m in mentions if _could_do(text, m)]
    return next((a for a in free if a in strong), agent)


def _doer(text: str, mentions: list[Mention], act: tuple[int, int], firm: bool) -> tuple[str | None, bool]:
    """(The actor who did the act at `act` (see order_agents), whether the sentence says so): None
    when none is named — and for a `firm` act (a scam) none named after it either: whoever is named
    after a scam is where the victim turned (平台说…). Not sure: only an actor named after the act
    or in the sentence before."""
    act_start, act_end = act
    within = [m for m in mentions if act_start <= m[0] and m[1] <= act_end
              and "被" in text[max(act_start, m[0] - 3):m[0]]]
    if within:  # the act's own words name it (被别人查到, 被物业泄露)
        return _owner(text, mentions, within[0]), True
    sentence = start_of(SENTENCE_END, text, act_start)
    clause = start_of(CLAUSE_START, text, act_start)
    before = [m for m in mentions if sentence <= m[0] < act_start]
    if any(m[0] >= clause and _RULED_OUT.search(text, clause, m[0]) for m in before):
        return None, True  # 原以为是网贷平台卖了: what the asker wrongly believed, not the act
    pick = _picked(text, before, sentence, act_start)
    if pick is not None:
        return _owner(text, mentions, pick), True
    told, agent = _by_pronoun(text, mentions, sentence, clause, act_start)
    if told or firm:
        return agent, True
    after = _named_after(text, mentions, act_start, act_end, sentence)
    # 某汽车金融公司的查询记录: the possessor of the act named after it is its doer; the rest is a guess
    possessor = any(m[0] >= act_end and m[2] == after and text.startswith("的", m[1]) for m in mentions)
    return after, possessor


def _picked(text: str, before: list[Mention], sentence: int, act_start: int) -> Mention | None:
    """The doer among the mentions before the act in its sentence: after 被, the one a pivot sends
    (找X查), else the nearest that could have done it."""
    passive = [m for m in before if "被" in text[max(sentence, m[0] - 3):m[0]]]
    pivot = [m for m in before if act_start - m[1] <= 2 and _PIVOT_BEFORE.search(text, sentence, m[0])]
    pick = passive or pivot or [m for m in before if _could_do(text, m)]
    return pick[-1] if pick else None


def _by_pronoun(text: str, mentions: list[Mention], sentence: int, clause: int,
                act_start: int) -> tuple[bool, str | None]:
    """(Whether a pronoun before the act settles it, the actor it stands for): the actor named last
    before it; a pronoun the asker rules out (不是他们装的) settles it as nobody."""
    pronoun = _PRONOUN.search(text, max(sentence, clause - 1), act_start)
    if pronoun is None:
        return False, None
    if _RULED_OUT.search(text, clause, pronoun.start()):
        return True, None
    referred = [m for m in mentions if m[1] <= pronoun.start()]
    return (True, _owner(text, mentions, referred[-1])) if referred else (False, None)


def _named_after(text: str, mentions: list[Mention], act_start: int, act_end: int,
                 sentence: int) -> str | None:
    """The nearest actor named after the act in its sentence; where the sentence names none (no
    subject), the doer carried over from the sentence before; None when that names none either."""
    end = SENTENCE_END.search(text, act_start)
    after = [m for m in mentions if act_end <= m[0] < (end.start() if end else len(text))
             and _not_object(text, m)]
    if after:
        return after[0][2]
    start = start_of(SENTENCE_END, text, max(0, sentence - 1))
    before = [m for m in mentions if start <= m[0] < sentence and _could_do(text, m)]
    return before[-1][2] if before else None
