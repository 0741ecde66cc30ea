"""The DataTable subclass: columns sized as Textual's would with less work, rows replaced only when changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.render import measure
from textual.widgets import DataTable as TextualDataTable
from textual.widgets._data_table import default_cell_formatter
from tui_court import run_scenario

from zhihui_tui.tui.widgets.table import DataTable, plain_width

CONSOLE = Console(width=120)
# Chinese, full-width and ASCII letters, digits, punctuation clerks type, and what may open markup or break lines.
CELL_TEXT = st.text(
    alphabet=st.sampled_from("王芳张三（）()〔〕执内2221号０１ＡＢabc -—…·:[]/\\\n\t✔☆é🙂"), max_size=30
)


def measured(value: object) -> int:
    """What DataTable itself measures for a one-line row's cell."""
    return 0 if value is None else measure(CONSOLE, default_cell_formatter(value, wrap=False, height=1), 1)


@given(CELL_TEXT)
def test_plain_width_is_the_measured_width_or_declines(value: str) -> None:
    width = plain_width(value)
    assert width is None or width == measured(value)


@given(CELL_TEXT)
def test_a_text_cell_is_measured_alike(value: str) -> None:
    cell = Text(value, style="bold")
    width = plain_width(cell)
    assert width is None or width == measured(cell)


def test_plain_width_declines_markup_and_line_breaks() -> None:
    assert plain_width("[b]粗[/b]") is None
    assert plain_width("第一行\n第二行") is None
    assert plain_width("（2026）内2221执123号") == 21
    assert plain_width(None) == 0


ROWS = [
    ("（2026）内2221执1号", "王芳", Text("✔ 已处理", style="green"), "15:30"),
    ("（2026）内2221执12345号", "呼和浩特市某某商贸有限责任公司", "—", "9:05"),
    (None, "[b]张三[/b]", "第一行\n第二行", ""),
]


def test_columns_come_out_as_wide_as_textuals_own() -> None:
    class Tables(App[None]):
        def compose(self) -> ComposeResult:
            for table in (DataTable(id="ours"), TextualDataTable(id="theirs")):
                table.add_column("案号")
                table.add_column("当事人")
                table.add_column("状态", width=6)  # fixed: never measured
                table.add_column("时间")
                for row in ROWS:
                    table.add_row(*row)
                yield table

    app = Tables()

    async def scenario(pilot: Pilot) -> None:
        await pilot.pause()
        ours, theirs = app.query_one("#ours", DataTable), app.query_one("#theirs", TextualDataTable)
        assert not ours._require_update_dimensions and not theirs._require_update_dimensions
        widths = [column.get_render_width(ours) for column in ours.ordered_columns]
        assert widths == [column.get_render_width(theirs) for column in theirs.ordered_columns]
        assert ours.virtual_size == theirs.virtual_size

    run_scenario(app, scenario, (120, 20))


def test_replacing_rows_with_the_same_draws_nothing_and_a_change_keeps_the_cursor_on_its_row() -> None:
    class One(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[str | Text] = DataTable(cursor_type="row")
            table.add_columns("案号", "状态")
            yield table

    app = One()
    rows = [(str(n), (f"（2026）内2221执{n}号", Text("待办", style="yellow"))) for n in range(1, 6)]

    async def scenario(pilot: Pilot) -> None:
        table = app.query_one(DataTable)
        assert table.replace_rows(rows) is True
        table.move_cursor(row=3)
        await pilot.pause()
        assert table.replace_rows(list(rows)) is False  # the same rows again: nothing cleared, nothing redrawn
        assert table.cursor_row == 3
        restyled = [*rows[:4], ("5", (rows[4][1][0], Text("待办", style="red")))]
        assert table.replace_rows(restyled) is True  # the same words in another colour are a change
        assert table.cursor_row == 3
        assert table.replace_rows([rows[0], rows[3]]) is True  # rows 2, 3 and 5 gone: the cursor follows row 4
        await pilot.pause()
        assert table.cursor_row == 1
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "4"

    run_scenario(app, scenario, (80, 12))


def test_a_long_list_comes_in_chunks_after_its_first_rows_and_a_clear_drops_the_rest() -> None:
    class Long(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable(cursor_type="row")
            table.add_columns("案号", "金额")
            table.CHUNK = 40
            yield table

    app = Long()
    rows = [(str(n), (f"（2026）内2221执{n}号", f"{n}.00")) for n in range(1, 131)]

    async def scenario(pilot: Pilot) -> None:
        table = app.query_one(DataTable)
        assert table.replace_rows(rows) is True
        table.move_cursor(row=99)
        await pilot.pause()
        assert table.replace_rows(list(reversed(rows)), first=10) is True
        assert table.row_count == 10  # the first rows at once, drawn before the others are added
        for _ in range(200):  # bounded: a chunk lands once the table was drawn
            if table.row_count == len(rows):
                break
            await pilot.pause()
        assert [row.key.value for row in table.ordered_rows] == [key for key, _ in reversed(rows)]
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "100"  # back on its row
        assert table.replace_rows(rows, first=10) is True
        table.clear()  # e.g. another view: what was still to come of the list must not land in it
        for _ in range(10):
            await pilot.pause()
        assert table.row_count == 0

    run_scenario(app, scenario, (80, 12))


def test_a_flex_column_gives_way_so_the_amount_is_never_cut() -> None:
    """At 80 columns the names shrink and every digit of the amount stays; wider, the names are whole again."""

    class Queue(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable(id="queue")
            table.add_columns("案号", "被执行人", "执行标的", "截止日")
            table.flex_column("被执行人", minimum=4)
            yield table

    name = "科尔沁右翼前旗居力很镇盛世养殖专业合作社、包苏和、石芳"
    amount = "20,414,538.21"

    async def scenario(pilot: Pilot) -> None:
        table = pilot.app.query_one(DataTable)
        table.add_row("（2026）内2221执182号", name, amount, "12-07")
        await pilot.pause()
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths) <= table.size.width - table.styles.scrollbar_size_vertical
        assert widths[2] == len(amount) + 2  # the amount's column keeps its digits
        assert table.ordered_columns[1].width < measured(name)
        await pilot.resize_terminal(200, 20)
        await pilot.pause()
        assert table.ordered_columns[1].get_render_width(table) == measured(name) + 2  # whole when it fits

    run_scenario(Queue(), scenario, (80, 20))
