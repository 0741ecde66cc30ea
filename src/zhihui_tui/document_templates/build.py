"""Build the packaged filing-pack templates (R-SRV-1) with python-docx.

Run ``python -m zhihui_tui.document_templates.build`` after changing this script, and commit the .docx files.

The committed .docx files next to this script are its output, so the layout is reproducible and reviewed as code;
a court that wants its own wording copies a file into its template folder (``data/templates/`` or
``--templates DIR``) and edits it in Word or WPS — the placeholders in ``{{ … }}`` are the only part to keep.

Layout after 《人民法院诉讼文书样式》: A4, court name and title centred, the case number on the right, the
parties with their particulars, the basis, the obligations with amounts in figures and capitals, the case
account (一案一账户), the legal clauses, and the date over the place for the seal.  Each paragraph is one run,
so a placeholder is never split across runs (docxtpl reads a paragraph's text run by run).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

TEMPLATE_VERSION = "2026.1"
HERE = Path(__file__).resolve().parent

TITLE_FONT, BODY_FONT, LATIN_FONT = "方正小标宋简体", "仿宋_GB2312", "Times New Roman"
BODY_SIZE = Pt(16)  # 三号


def _font(run_or_style: object, east_asian: str, size: Pt, *, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = LATIN_FONT, size, bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)


class Writer:
    """Paragraph helpers in the house layout."""

    def __init__(self, title: str) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        normal = self.doc.styles["Normal"]
        _font(normal, BODY_FONT, BODY_SIZE)
        normal.paragraph_format.line_spacing = Pt(28)
        normal.paragraph_format.space_after = Pt(0)
        props = self.doc.core_properties
        props.title, props.version, props.author = title, TEMPLATE_VERSION, "执行指挥中心实体化运行系统"
        props.comments = "文书模板：双花括号中为系统填写的内容，请保留；其余文字可按本院要求修改。"
        self.centre("{{ court_name }}", TITLE_FONT, Pt(22))
        self.centre(title, TITLE_FONT, Pt(26), space_before=Pt(6))
        self.right("{{ case_number }}", space_before=Pt(12))

    def _para(
        self,
        text: str,
        *,
        align: WD_ALIGN_PARAGRAPH | None = None,
        indent: bool = False,
        space_before: Pt | None = None,
    ) -> Paragraph:
        para = self.doc.add_paragraph()
        if align is not None:
            para.alignment = align
        if indent:
            para.paragraph_format.first_line_indent = Pt(32)  # two characters
        if space_before is not None:
            para.paragraph_format.space_before = space_before
        run = para.add_run(text)
        _font(run, BODY_FONT, BODY_SIZE)
        return para

    def centre(self, text: str, font: str, size: Pt, *, space_before: Pt | None = None) -> None:
        para = self._para(text, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=space_before)
        _font(para.runs[0], font, size)

    def right(self, text: str, *, space_before: Pt | None = None) -> None:
        self._para(text, align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=space_before)

    def text(self, text: str) -> None:
        """A body paragraph, indented two characters."""
        self._para(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)

    def plain(self, text: str) -> None:
        self._para(text)

    def tag(self, statement: str) -> None:
        """A docxtpl paragraph tag (``{%p for … %}``): the paragraph itself disappears from the output."""
        self.doc.add_paragraph(f"{{%p {statement} %}}")

    def parties(self, role: str, variable: str) -> None:
        self.tag(f"for p in {variable}")
        self.plain(role + "：{{ p.name }}，{{ p.particulars }}。")
        self.tag("endfor")

    def table(self, rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        table = self.doc.add_table(rows=0, cols=len(widths))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for values in rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, values, widths, strict=True):
                cell.width = Cm(width)
                _cell_text(cell, value)

    def signature(self, *, signers: tuple[str, ...] = ()) -> None:
        """Signers (if any), the court, the date and the place for the seal, on the right."""
        for index, signer in enumerate(signers):
            self.right(signer, space_before=Pt(24) if index == 0 else None)
        self.right("{{ court_name }}", space_before=Pt(36 if not signers else 12))
        self.right("{{ issue_date }}")
        self.right("（院　印）")

    def save(self, path: Path) -> None:
        self.doc.save(str(path))


def _cell_text(cell: _Cell, value: str) -> None:
    para = cell.paragraphs[0]
    run = para.add_run(value)
    _font(run, BODY_FONT, Pt(14))


ACCOUNT = (
    "款项请汇入本院案款账户（一案一账户）：户名{{ funds_account_name }}，开户行{{ funds_bank }}，"
    "账号{{ funds_account_number }}；汇款时须在附言中注明本案案号{{ payment_reference }}，以便入账到本案。"
)
CASE = "申请执行人{{ applicant_names }}与被执行人{{ respondent_names }}"
BASIS = "{{ basis_issuing_body }}作出的{{ basis_number }}{{ basis_kind }}"
AMOUNT = "人民币{{ target_amount }}元（大写：{{ target_amount_capitals }}）"
FEE = "人民币{{ fee_amount }}元（大写：{{ fee_capitals }}）"


def notice(w: Writer) -> None:
    w.plain("被执行人{{ respondent_names }}：")
    w.text(
        f"{CASE}一案，{BASIS}已经发生法律效力。申请执行人"
        "{{ applicant_names }}于{{ received_date }}向本院申请强制执行，本院于{{ filed_date }}依法立案。依照"
        "《中华人民共和国民事诉讼法》第二百五十一条、第二百六十四条规定，责令你（单位）自收到本通知之日起立即履行"
        "下列义务："
    )
    w.text(f"一、向申请执行人{{{{ applicant_names }}}}支付{AMOUNT}；")
    w.text("二、加倍支付迟延履行期间的债务利息（或者支付迟延履行金）；")
    w.tag("if has_fee")
    w.text(f"三、负担申请执行费{FEE}。")
    w.tag("endif")
    w.text(ACCOUNT)
    w.text(
        "逾期不履行的，本院将依法强制执行，并可依法对你（单位）采取限制消费、纳入失信被执行人名单、罚款、拘留等措施。"
    )
    w.text("特此通知。")
    w.parties("被执行人", "respondents")
    w.signature()


def asset_report_order(w: Writer) -> None:
    w.parties("被执行人", "respondents")
    w.text(
        f"本院受理{CASE}一案，执行依据为{BASIS}，执行标的为{AMOUNT}。依照《中华人民共和国民事诉讼法》第二百五十二条、"
        "《最高人民法院关于民事执行中财产调查若干问题的规定》第三条至第十条规定，责令你（单位）在收到本令后五日内，"
        "如实向本院书面报告当前以及收到执行通知之日前一年的财产情况。执行中财产状况发生变动的，应当自财产变动之日起"
        "十日内向本院补充报告。"
    )
    w.text(
        "应当报告的财产包括：（一）收入、银行存款、现金、理财产品、有价证券；（二）土地使用权、房屋等不动产；"
        "（三）交通运输工具、机器设备、产品、原材料等动产；（四）债权、股权、投资权益、基金份额、信托受益权、"
        "知识产权等财产性权利；（五）其他应当报告的财产。"
    )
    w.text(
        "拒绝报告或者虚假报告的，本院将根据情节轻重对你（单位）或者你单位的主要负责人、直接责任人员予以罚款、拘留；"
        "构成犯罪的，依法追究刑事责任。"
    )
    w.signature()


def summons(w: Writer) -> None:
    w.table(
        [
            ("案　　由", f"{CASE}执行一案（执行依据：{BASIS}）"),
            ("执行标的", AMOUNT),
            ("被传唤人", "{{ respondent_names }}"),
            ("工作单位或者住址", "{{ respondent_addresses }}"),
            ("传唤事由", "接受执行调查询问，报告财产情况"),
            ("应到时间", "{{ summons_time }}"),
            ("应到处所", "{{ summons_place }}"),
        ],
        (4.0, 11.6),
    )
    w.plain("注意事项：")
    w.text("一、被传唤人必须准时到达应到处所，并携带本传票及身份证件（单位携带营业执照副本、法定代表人身份证明）。")
    w.text("二、被传唤人收到传票后，应在送达回证上签名或者盖章。")
    w.text(
        "三、依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十二条规定，经依法传唤无正当理由"
        "拒不到场的，人民法院可以拘传其到场。"
    )
    w.text("联系电话：{{ court_phone }}。")
    w.signature()


def payment_notice(w: Writer) -> None:
    w.plain("被执行人{{ respondent_names }}：")
    w.text(f"{CASE}一案，依据{BASIS}，请你（单位）自收到本通知之日起立即将下列款项缴入本院案款账户（一案一账户）：")
    w.table(
        [
            ("项　　目", "金额（元）", "大　　写"),
            ("执行标的", "{{ target_amount }}", "{{ target_amount_capitals }}"),
            ("申请执行费", "{{ fee_amount }}", "{{ fee_capitals }}"),
            ("合　　计", "{{ total_amount }}", "{{ total_capitals }}"),
        ],
        (3.6, 4.2, 7.8),
    )
    w.table(
        [
            ("户　　名", "{{ funds_account_name }}"),
            ("开 户 行", "{{ funds_bank }}"),
            ("账　　号", "{{ funds_account_number }}"),
            ("附言（必填）", "{{ payment_reference }}"),
        ],
        (4.0, 11.6),
    )
    w.text("汇款时务必在附言中注明本案案号，款项以案号入账到本案；缴款后请将凭证交本院执行指挥中心或者承办人。")
    w.text("逾期不缴纳的，本院将依法强制执行，并依法加倍计算迟延履行期间的债务利息。")
    w.parties("被执行人", "respondents")
    w.signature()


def ruling(w: Writer) -> None:
    w.parties("申请执行人", "applicants")
    w.parties("被执行人", "respondents")
    w.text(
        f"本院依据已经发生法律效力的{BASIS}，于{{{{ filed_date }}}}立案执行{CASE}一案。被执行人应当履行的义务为："
        f"向申请执行人支付{AMOUNT}及迟延履行期间的债务利息{{% if has_fee %}}，负担申请执行费{FEE}{{% endif %}}。"
        "被执行人至今未履行上述义务。依照《中华人民共和国民事诉讼法》第二百五十三条、第二百五十四条、第二百五十五条"
        "规定，裁定如下："
    )
    w.text(
        "冻结、划拨被执行人{{ respondent_names }}的银行存款及其他资金等财产性权益，或者查封、扣押、拍卖、变卖其相应"
        f"价值的财产，以{AMOUNT}及迟延履行期间的债务利息、执行费用为限。"
    )
    w.text("本裁定立即执行。")
    w.signature(signers=("审　判　员　{{ handler_name }}",))
    w.right("书　记　员　　　　　　")


BUILDERS: dict[str, Callable[[Writer], None]] = {
    "执行通知书": notice,
    "报告财产令": asset_report_order,
    "传票": summons,
    "缴款通知书": payment_notice,
    "执行裁定书": ruling,
}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for title, builder in BUILDERS.items():
        writer = Writer(title)
        builder(writer)
        path = folder / f"{title}.docx"
        writer.save(path)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="生成系统自带的送达文书模板（.docx）")
    parser.add_argument("--out", type=Path, default=HERE, help="输出目录，默认为程序包内的模板目录")
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
