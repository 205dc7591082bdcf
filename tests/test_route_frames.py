"""Routing from the case frame, on the questions the old keyword scenario detector was tested on
(one family per former scenario): each question must reach the authority that family needs, the
most urgent first, each once; everyday questions without an information angle route nowhere."""

from __future__ import annotations

import pytest

from falv.domain.personal_info.frame import named_frames
from falv.answer.routing import list_scenarios, route
from falv.errors import InputError

QUESTIONS = {
    "express": [
        "快递信息泄露了怎么办",
        "刚买完东西就有人打电话说我快递丢了要理赔，他怎么知道我的单号的？",
        "快递面单上的名字电话地址被人拿去卖了，能告快递公司吗",
        "驿站把我的包裹信息泄露出去了，我该找谁投诉",
        "快递员把我的手机号给了别人，天天有人加我微信",
        "网购的物流信息被泄露，骗子冒充客服找上门",
    ],
    "spam": [
        "天天接到推销电话烦死了，怎么投诉",
        "我的手机号每天收到好多垃圾短信，能告谁",
        "一天十几个贷款电话打进来，我的号码是不是被卖了",
        "装修公司的电话一直打来，我明确拒绝了还打，怎么办？",
        "营销短信退订了还在发，可以投诉运营商吗",
        "被电话轰炸了怎么处理",
    ],
    "app": [
        "这个app一打开就要读取通讯录，不给权限就不能用，合法吗",
        "App 超范围索取权限怎么举报",
        "小程序要求上传身份证和人脸，不同意就无法注册",
        "软件偷偷获取我的定位和相册，这算违法收集吗？",
        "某个应用过度收集个人信息，隐私政策写得含含糊糊",
        "不授权麦克风就不让用，这个APP是不是违规",
    ],
    "doxxing": [
        "我被人肉搜索了，家庭住址和电话都被发到网上",
        "前男友把我的私密照片挂到网上，怎么办",
        "有人在微博上曝光了我的身份证号和工作单位",
        "我的聊天记录被人截图发到群里还被转发到抖音",
        "被开盒了，网暴的人天天骚扰我家人",
        "有人把我的照片和手机号贴到贴吧上说我是骗子",
    ],
    "merchant": [
        "在4S店买完车后各种保险推销电话，是不是商家泄露了我的信息",
        "健身房把会员信息卖给了别人怎么办",
        "网店卖家把我的地址电话泄露了，找谁投诉",
        "酒店把我的开房信息泄露出去，可以索赔吗",
        "售楼处登记了信息后天天接到中介电话，商家泄露消费者信息违法吗",
        "外卖平台泄露了我的手机号和住址",
    ],
    "employer": [
        "公司把我的身份证复印件发到工作群里了，算侵权吗",
        "离职后老板把我的工资和家庭住址公开在群里",
        "HR把员工信息泄露给了猎头，怎么维权",
        "单位把我的体检结果公示出来，全公司都知道了我的病",
        "用人单位泄露员工信息怎么办",
        "领导把我的离职原因和手机号透露给了别的公司",
    ],
    "face": [
        "小区物业强制刷脸才能进门，不录人脸就不给进，合法吗",
        "商场装摄像头人脸识别顾客，这样可以吗",
        "物业要求录入人脸信息，我不同意可以要求刷卡吗",
        "售楼处用人脸识别区分客户，违法吗",
        "健身房要求刷脸入场不能用会员卡，可以拒绝吗",
        "公司门禁改成人脸识别了，我的面部信息会不会被泄露",
    ],
    "credit": [
        "我的征信报告上有一笔不是我的贷款，怎么更正",
        "银行泄露了我的账户信息，骗子知道我的余额",
        "网贷催收打电话给我通讯录里的朋友，合法吗",
        "信用卡信息被泄露被盗刷了找谁",
        "银行流水被别人查到了，银行有责任吗",
        "征信有不良记录但我没逾期过，是银行报错了吗",
    ],
    "medical": [
        "医院泄露了我的病历，能起诉吗",
        "刚生完孩子就接到各种母婴推销电话，是不是医院把信息卖了",
        "体检中心把我的体检报告泄露给了单位",
        "医生把我的病情告诉了我的同事，这合法吗",
        "产检后就有月子中心打电话来，医院泄露孕检信息怎么办",
        "我有乙肝的事情被诊所的护士说出去了",
    ],
    "fraud": [
        "骗子能准确说出我的名字和订单号，我被骗了两万",
        "有人冒充客服让我转账退款，我被骗了怎么办",
        "接到冒充公安的电话诈骗，对方知道我身份证号",
        "个人信息泄露后被电信诈骗了，能找泄露的平台赔吗",
        "刷单被骗了，钱能追回来吗",
        "骗子用我泄露的信息骗了我爸妈的钱",
    ],
    "id_misuse": [
        "我的身份证被冒用注册了公司，现在成了法人怎么办",
        "名下多了好几张手机卡，不是我办的",
        "有人用我的身份证去网贷，现在催收找我",
        "身份证丢了被别人冒用开了银行卡",
        "我被冒名登记成了一家公司的股东",
        "查征信发现名下有贷款，身份被盗用了",
    ],
    "general": [
        "个人信息泄露了怎么办",
        "我的隐私被泄露了，该怎么维权",
        "信息泄露找哪个部门",
        "发现自己的个人信息被倒卖，怎么办",
        "个人信息被泄露可以要求赔偿吗",
    ],
}

# the authority each family must reach (any one of the tuple), besides what else its facts need
AUTHORITY = {
    "express": ("postal",), "spam": ("telecom_operator", "miit"), "app": ("cac",),
    "doxxing": ("cac", "police"), "merchant": ("samr", "housing"), "employer": ("hrss",),
    "face": ("handler",), "credit": ("financial_regulator", "police"), "medical": ("health_authority",),
    "fraud": ("police",), "id_misuse": ("police",), "general": ("handler", "cac", "police"),
}


def _ids(question: str) -> list[str]:
    return [c["id"] for c in route(question, quote_text=False)["channels"]]


@pytest.mark.parametrize("family,question",
                         [(sid, q) for sid, qs in QUESTIONS.items() for q in qs])
def test_question_reaches_its_authority(family, question):
    ids = _ids(question)
    assert set(AUTHORITY[family]) & set(ids), (question, ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("question", QUESTIONS["fraud"] + ["快递信息泄露后被冒充客服诈骗了五千块"])
def test_fraud_puts_the_police_first(question):
    assert _ids(question)[0] == "police"


def test_every_family_has_at_least_five_questions():
    assert all(len(qs) >= 5 for qs in QUESTIONS.values())


PI_CHANNELS = {"handler", "postal", "cac", "miit", "telecom_operator", "report_12321"}


@pytest.mark.parametrize("question", ["离婚后孩子抚养权归谁", "合同违约金过高怎么办", "酸奶过期了商家不给退"])
def test_unrelated_questions_never_route_to_personal_information_authorities(question):
    """A question outside personal information is read as its own kind: its own rules, or the
    honest floor of its kind (12348, the court …), never a personal-information regulator."""
    result = route(question, quote_text=False)
    assert result["reading"]["kind"] != "personal_info"
    assert not PI_CHANNELS & {c["id"] for c in result["channels"]}
    assert result["steps"] and (result["notes"] or not result["floor"])


def test_routing_normalises_width_and_traditional_characters():
    assert "postal" in _ids("快遞員把我的手機號賣給了別人")
    assert "cac" in _ids("ＡＰＰ超范围索权，不给权限就不能用")


def test_route_rejects_no_question():
    with pytest.raises(InputError):
        route(None)
    with pytest.raises(InputError):
        route("  ")


def test_every_named_frame_routes_somewhere_and_is_listed():
    listed = {s["id"]: s for s in list_scenarios()}
    assert list(listed) == list(named_frames())
    for sid, s in listed.items():
        assert s["routes"], sid
        result = route(scenario_id=sid, quote_text=False)
        assert [c["id"] for c in result["channels"]] == s["routes"]
        assert result["scenario"] == sid and result["steps"]


@pytest.mark.parametrize("question,not_expected", [
    ("网购的衣服有质量问题，商家不给退货怎么办", "merchant"),
    ("在平台上买的手机坏了，卖家不给换", "merchant"),
    ("公司拖欠工资三个月了怎么办", "employer"),
    ("银行贷款逾期了会怎么样", "credit"),
    ("合同诈骗罪怎么量刑", "fraud"),
    ("利用假合同骗取贷款构成贷款诈骗罪吗", "fraud"),
    ("快递丢了，快递公司只按保价赔怎么办", "express"),
])
def test_everyday_questions_without_an_information_angle_do_not_hit(question, not_expected):
    """No personal-information reading of a question about goods, wages, loans or parcels: its
    own domain (labour for unpaid wages) or its floor answers it."""
    result = route(question, quote_text=False)
    assert result["reading"]["kind"] != "personal_info"
    assert not PI_CHANNELS & {c["id"] for c in result["channels"]}


