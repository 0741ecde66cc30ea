"""The demo court's staff: every post of SPEC §1 with its headcount."""

from __future__ import annotations

from dataclasses import dataclass

from zhihui_tui.demo.common import pairs
from zhihui_tui.domain.roles import Role, Team, Title


@dataclass(frozen=True)
class DemoLogin:
    login: str
    name: str
    post: str


# ------------------------------------------------------------------------------------------------
# Staff (SPEC §1)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    login: str
    name: str
    role: Role
    team: Team | None = None
    title: Title | None = None

    @property
    def post(self) -> str:
        if self.team is not None and self.title is not None:
            team = "快速执行团队" if self.team is Team.FAST else "精执办案团队"
            return f"{team}·{self.title.label}"
        return self.role.label


_J, _O, _C = Title.JUDGE, Title.ENFORCEMENT_OFFICER, Title.CLERK

# Post → "login name login name …" (SPEC §1 headcounts).
_POSTS: tuple[tuple[Role, str], ...] = (
    (Role.FILING_REVIEW, "lian1 陈淑芬 lian2 巴特尔"),
    (Role.SERVICE, "songda1 王丽娟 songda2 乌日娜"),
    (Role.NETWORK_INQUIRY, "chakong 刘洋"),
    (Role.DIRECTOR, "zhuren 张宏伟"),
    (Role.COUNTER_CONTROL, "linggui1 赵志刚 linggui2 额尔敦 linggui3 孙建军 linggui4 白音仓"),
    (Role.FIELD_SEARCH, "xiansuo1 李海军 xiansuo2 其木格 xiansuo3 吴宝山 xiansuo4 那仁满都拉 xiansuo5 韩立新"),
    (Role.FUNDS, "kuanwu1 周晓燕 kuanwu2 萨仁高娃"),
    (Role.DOSSIER, "juanzong1 郑秀兰 juanzong2 图雅"),
    (Role.GENERAL_AFFAIRS, "zonghe1 马玉梅 zonghe2 宝音"),
)
# Teams: judges, enforcement officers, clerks; logins are numbered in this order (kuai01…, jing01…).
_TEAMS: tuple[tuple[Team, str, tuple[tuple[Title, str], ...]], ...] = (
    (
        Team.FAST,
        "kuai",
        ((_J, "王建国 包金山 李春燕"), (_O, "张磊 朝鲁 杨志强 白玉霞 刘振华"), (_C, "高娃 孟庆丰 赵婷婷 乌兰 徐明")),
    ),
    (Team.INTENSIVE, "jing", ((_J, "孙立军 阿拉坦仓"), (_O, "陈国栋 斯琴图 何永刚"), (_C, "田雪 格日乐"))),
)
_LEADERS: tuple[tuple[Role, str], ...] = (
    (Role.BUREAU_CHIEF, "juzhang 孟凡军"),
    (Role.DEPUTY_CHIEF, "fujuzhang 敖登"),
    (Role.ADMIN, "guanli 杜鹏"),
)


def demo_roster() -> list[StaffSpec]:
    """Every post of SPEC §1 with its headcount. Clerks (书记员) sit in the teams with the handler role
    (there is no clerk post), but they never own cases: titles tell them apart."""
    roster = [StaffSpec(login, name, role) for role, people in _POSTS for login, name in pairs(people)]
    for team, prefix, groups in _TEAMS:
        members = [(name, title) for title, names in groups for name in names.split()]
        roster += [
            StaffSpec(f"{prefix}{i:02d}", name, Role.HANDLER, team, title)
            for i, (name, title) in enumerate(members, start=1)
        ]
    roster += [StaffSpec(login, name, role) for role, people in _LEADERS for login, name in pairs(people)]
    return roster


def demo_logins() -> tuple[DemoLogin, ...]:
    return tuple(DemoLogin(s.login, s.name, s.post) for s in demo_roster())
