"""The demo body: a municipal commission, six inspection teams, units, categories, staff.

Each app may add its own demo data with a ``demo.py`` that has
``load(body, staff)``; ``manage.py demo_load`` calls them in app order.
"""

from __future__ import annotations

from tipoff.people.models import Body, Category, District, Role, Team, Unit, User
from tipoff.people.services import body_create, body_key_from_recovery, body_key_grant, staff_create

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-office-2026"  # noqa: S105 - printed on start; demo only

DISTRICTS = [
    ("东城区", "Dongcheng District"),
    ("西城区", "Xicheng District"),
    ("南湖区", "Nanhu District"),
    ("北山区", "Beishan District"),
]

UNITS = [
    ("市交通运输局", "Municipal Transport Bureau", ""),
    ("市住房和城乡建设局", "Municipal Housing and Construction Bureau", ""),
    ("市教育局", "Municipal Education Bureau", ""),
    ("市卫生健康委员会", "Municipal Health Commission", ""),
    ("市自然资源和规划局", "Municipal Natural Resources and Planning Bureau", ""),
    ("市市场监督管理局", "Municipal Market Regulation Administration", ""),
    ("东城区人民政府", "Dongcheng District Government", "东城区"),
    ("西城区人民政府", "Xicheng District Government", "西城区"),
    ("南湖区人民政府", "Nanhu District Government", "南湖区"),
    ("北山区人民政府", "Beishan District Government", "北山区"),
    ("市人民法院", "Municipal People's Court", ""),
]

_CN_NUM = "一二三四五六"
TEAM_UNITS = [
    ["市交通运输局", "市住房和城乡建设局"],
    ["市教育局", "市卫生健康委员会"],
    ["市自然资源和规划局", "市市场监督管理局"],
    ["东城区人民政府", "西城区人民政府"],
    ["南湖区人民政府", "北山区人民政府"],
    ["市人民法院"],
]
TEAM_DISTRICTS = ["", "", "", "东城区,西城区", "南湖区,北山区", ""]


def _q(key: str, zh: str, en: str, kind: str = "text") -> dict:
    # No demo question is essential: a witness who missed the plate can still report.
    return {"key": key, "label_zh": zh, "label_en": en, "type": kind, "essential": False}


CATEGORIES = [
    (
        "bureaucratism",
        "官僚主义",
        "Bureaucratism",
        "推诿扯皮、门难进脸难看事难办等",
        "Shirking duties, obstructing the public, refusing to act",
        [],
    ),
    (
        "formalism",
        "形式主义",
        "Formalism",
        "文山会海、弄虚作假、表面文章等",
        "Meetings and paperwork for show, falsified results",
        [],
    ),
    (
        "extravagance",
        "奢靡之风",
        "Extravagance",
        "违规建设楼堂馆所、铺张浪费等",
        "Lavish buildings, wasteful spending of public money",
        [
            _q("amount", "涉及金额（元，估计）", "Amount involved (yuan, estimate)", "number"),
        ],
    ),
    (
        "banqueting",
        "违规公款吃喝",
        "Banqueting on public funds",
        "用公款大吃大喝、违规接待等",
        "Meals and receptions paid from public funds",
        [
            _q("venue", "饭店或场所名称", "Restaurant or venue", "text"),
            _q("people", "参加人数", "Number of people present", "number"),
            _q("amount", "估计花费（元）", "Estimated cost (yuan)", "number"),
        ],
    ),
    (
        "official_cars",
        "公车私用",
        "Misuse of official cars",
        "公车私用、违规配备使用公务用车",
        "Official cars used privately or provided improperly",
        [
            _q("plate", "车牌号", "Licence plate", "text"),
            _q("seen_at", "看到车辆的地点", "Where the car was seen", "text"),
        ],
    ),
    (
        "gifts",
        "违规收送礼品礼金",
        "Improper gifts and cash gifts",
        "收送礼品、礼金、消费卡等",
        "Gifts, cash, shopping cards given or received",
        [
            _q("value", "估计价值（元）", "Estimated value (yuan)", "number"),
        ],
    ),
    (
        "weddings_funerals",
        "大操大办婚丧喜庆",
        "Lavish weddings and funerals",
        "借婚丧喜庆敛财、超规格操办",
        "Weddings or funerals used to collect money or held on an excessive scale",
        [
            _q("event_date", "办事日期", "Date of the event", "date"),
            _q("guests", "宾客人数（估计）", "Number of guests (estimate)", "number"),
        ],
    ),
    (
        "bribery",
        "行贿受贿",
        "Bribery",
        "索贿受贿、利用职权为他人谋利",
        "Taking or offering bribes, abusing office for gain",
        [
            _q("amount", "涉及金额（元，估计）", "Amount involved (yuan, estimate)", "number"),
        ],
    ),
    (
        "absenteeism",
        "旷工脱岗",
        "Absenteeism",
        "上班时间不在岗、迟到早退",
        "Absent from work, arriving late or leaving early",
        [
            _q("dates", "缺勤的日期", "Dates of absence", "textarea"),
        ],
    ),
    ("other", "其他", "Other", "其他违反纪律的行为", "Any other breach of discipline", []),
]


def demo_body_exists() -> bool:
    return Body.objects.filter(slug=DEMO_SLUG).exists()


def load_people() -> tuple[Body, str | None, dict[str, User]]:
    """Create the demo body (once). Returns it, the recovery key if new, and staff."""
    existing = Body.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, None, {u.username: u for u in User.objects.filter(body=existing)}
    created = body_create(
        slug=DEMO_SLUG,
        name_zh="示范市纪律检查委员会 示范市监察委员会",
        name_en="Demo City Commission for Discipline Inspection and Supervision",
        is_default=not Body.objects.filter(is_default=True).exists(),
    )
    body = created.body
    body.intro_zh = "示范市纪委监委受理对全市党员干部和公职人员违纪违法问题的检举控告。实名举报优先办理，匿名举报同样受理。"
    body.intro_en = (
        "The Demo City commission receives reports of breaches of discipline and law by the city's "
        "officials. Named reports are handled first; anonymous reports are accepted too."
    )
    body.save()
    districts = {
        zh: District.objects.create(body=body, name_zh=zh, name_en=en, order=i)
        for i, (zh, en) in enumerate(DISTRICTS)
    }
    units = {
        zh: Unit.objects.create(body=body, name_zh=zh, name_en=en, district=districts.get(d))
        for zh, en, d in UNITS
    }
    for i in range(6):
        team = Team.objects.create(
            body=body,
            name_zh=f"第{_CN_NUM[i]}监督检查室",
            name_en=f"Inspection Team {i + 1}",
            jurisdiction_zh="、".join(TEAM_UNITS[i]),
            jurisdiction_en=", ".join(units[z].name_en for z in TEAM_UNITS[i]),
            phone=f"0571-8800 12{i + 1:02d}",
            email=f"team{i + 1}@jw.demo.example",
            address_zh=f"示范市人民大道{100 + i}号 纪委监委大楼{i + 2}楼",
            address_en=f"Floor {i + 2}, Commission Building, {100 + i} People's Avenue, Demo City",
            hours_zh="周一至周五 8:30–12:00，14:00–17:30（法定节假日除外）",
            hours_en="Mon–Fri 8:30–12:00 and 14:00–17:30, except public holidays",
            order=i,
        )
        team.units.set(units[z] for z in TEAM_UNITS[i])
        team.districts.set(districts[d] for d in TEAM_DISTRICTS[i].split(",") if d)
    for order, (code, zh, en, dzh, den, questions) in enumerate(CATEGORIES):
        Category.objects.create(
            body=body,
            code=code,
            name_zh=zh,
            name_en=en,
            description_zh=dzh,
            description_en=den,
            questions=questions,
            order=order,
        )
    first_team = Team.objects.filter(body=body).first()
    people: list[tuple[str, str, str, Team | None]] = [
        ("demo-admin", Role.ADMIN, "管理员 王敏", None),
        ("demo-intake", Role.INTAKE, "受理员 李强", None),
        ("demo-leader", Role.LEADER, "组长 陈静", first_team),
        ("demo-inspector", Role.INSPECTOR, "检查员 张伟", first_team),
        ("demo-auditor", Role.AUDITOR, "审计员 刘洋", None),
    ]
    body_private = body_key_from_recovery(body=body, recovery_key=created.recovery_key)
    staff: dict[str, User] = {}
    for username, role, name, member_team in people:
        user = staff_create(
            username=username,
            password=DEMO_PASSWORD,
            body=body,
            role=role,
            display_name=name,
            email=f"{username}@jw.demo.example",
            team_id=member_team.pk if member_team else None,
        )
        body_key_grant(body=body, body_private_key=body_private, user=user, granted_by=None)
        staff[username] = user
    return body, created.recovery_key, staff
