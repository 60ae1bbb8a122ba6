"""A 通报 rendered as Word and as PDF: every word of the document, laid out as an official document.

Plain unit tests: a BulletinDocument built by hand, no database. The PDF's text is read with poppler's
pdftotext where it is installed (the tests that need it skip, saying so, where it is not); its fonts are
checked by reading the PDF's own objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from mubiao.exports.bulletin_document import Attachment, BulletinDocument, Section, Table
from mubiao.exports.bulletin_docx import bulletin_docx, title_lines
from mubiao.exports.bulletin_pdf import FontsMissing, bulletin_html, bulletin_pdf, halves

HOSTILE = "<b>柳南</b>&amp;=1+1"
HEADER = ("序号", "县区", "确保目标", "力争目标", "1—12月累计", "完成确保%", "完成力争%", "序时进度%",
          "与序时差(百分点)", "同比", "位次", "状态")  # fmt: skip
UNITS = ("城中区", "鱼峰区", HOSTILE, "柳北区", "柳江区", "柳城县", "鹿寨县", "融安县", "融水苗族自治县",
         "三江侗族自治县", "柳东新区", "北部生态新区", "阳和工业新区", "市本级")  # fmt: skip


def progress_table(caption: str, seed: int) -> Table:
    """12 columns, 15 rows: the city first (bold), then 14 units; the figures in columns 2 to 9."""
    rows = [("", "全市", "1128", "1248", "1426.5", "126.5%", "114.3%", "100.0%", "26.5", "12.6%", "", "超序时")]
    for number, unit in enumerate(UNITS, start=1):
        committed = 60 + (seed * 7 + number * 13) % 90
        rate = 62 + (seed * 11 + number * 29) % 90
        rows.append((str(number), unit, str(committed), str(committed + 10), f"{committed * rate / 100:.1f}",
                     f"{rate:.1f}%", f"{rate * committed / (committed + 10):.1f}%", "100.0%", f"{rate - 100:.1f}",
                     f"{number - 5:.1f}%", str(number), "超序时" if rate >= 100 else "滞后"))  # fmt: skip
    return Table(caption, HEADER, tuple(rows), strong_rows=frozenset({0}), right_columns=frozenset(range(2, 10)))


SECTIONS = (
    Section("一、总体情况", (
        "全市高新技术企业数达到218家，完成年度计划142.6%，高于序时进度42.6个百分点。技术合同成交额同比增长36.5%。",
        f"{HOSTILE}完成确保目标的186.3%，位居全市第一。",
    )),
    Section("二、下一步工作要求", ("各县（区）要对照年度目标任务，查找差距，补齐短板，确保各项指标按序时进度完成。",)),
)  # fmt: skip
BULLETIN = BulletinDocument(
    issuer="柳州市科学技术局",
    issue_label="第3期",
    title="关于2018年科技创新目标任务完成情况的通报",
    recipients="各县（区）人民政府，市直有关单位：",
    sections=SECTIONS,
    attachments=(
        Attachment(
            "附件1",
            "2018年柳州市科技创新目标任务完成情况表",
            (progress_table("高新技术企业数（家）", 1), progress_table("技术合同成交额（万元）", 2)),
            note="说明：状态按与序时进度之差划分。",
        ),
        Attachment(
            "附件2", "2018年市直有关单位科技创新工作任务完成情况表", (progress_table("科技型中小企业（家）", 3),)
        ),
    ),
    signature="柳州市科学技术局",
    signed_on=dt.date(2019, 1, 15),
    version=2,
    copies_to="市人民政府办公室",
)


@pytest.fixture(scope="module")
def word() -> Document:
    return Document(io.BytesIO(bulletin_docx(BULLETIN)))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return bulletin_pdf(BULLETIN)


@pytest.fixture(scope="module")
def pdf_text(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed: the PDF's text cannot be read back")
    path = tmp_path_factory.mktemp("bulletin") / "bulletin.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def texts(word: Document) -> list[str]:
    return [paragraph.text for paragraph in word.paragraphs if paragraph.text]


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams among them) inflated, to read its dictionaries."""
    inflated = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # not a Flate stream: nothing of the fonts' dictionaries in it
    return b"\n".join(inflated)


# The Word document


def test_the_word_document_carries_the_masthead_issue_title_and_recipients_in_order(word: Document) -> None:
    lines = texts(word)

    assert lines[:5] == [
        "柳州市科学技术局",
        "第3期（第2版）",
        "关于2018年科技创新目标任务\n完成情况的通报",
        "仅含已审核数据",
        "各县（区）人民政府，市直有关单位：",
    ]


def test_the_masthead_is_red_and_the_rule_under_the_issue_number_is_red(word: Document) -> None:
    masthead, issue = word.paragraphs[0], word.paragraphs[1]

    assert str(masthead.runs[0].font.color.rgb) == "FF0000"
    assert masthead.runs[0].font.bold
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = issue._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"


def test_every_section_heading_and_paragraph_is_in_the_body_in_order(word: Document) -> None:
    lines = texts(word)
    expected = [text for section in SECTIONS for text in (section.heading, *section.paragraphs)]

    start = lines.index("一、总体情况")
    assert lines[start : start + len(expected)] == expected
    heading = next(paragraph for paragraph in word.paragraphs if paragraph.text == "一、总体情况")
    assert heading.runs[0].font.name == "黑体"
    body = next(paragraph for paragraph in word.paragraphs if paragraph.text == SECTIONS[0].paragraphs[0])
    assert body.runs[0].font.name == "仿宋"
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters of 16 pt


def test_the_attachment_list_signature_and_date_follow_the_body(word: Document) -> None:
    lines = texts(word)
    start = lines.index("附件：\t1.\t2018年柳州市科技创新目标任务完成情况表")

    assert lines[start : start + 4] == [
        "附件：\t1.\t2018年柳州市科技创新目标任务完成情况表",
        "2.\t2018年市直有关单位科技创新工作任务完成情况表",
        "柳州市科学技术局",
        "2019年1月15日",
    ]
    first, second = (paragraph for paragraph in word.paragraphs if paragraph.text.startswith(("附件：\t", "2.\t")))
    # Both names start at the same indent, the numbers hang before it, and 附件： before the first number.
    assert first.paragraph_format.left_indent == second.paragraph_format.left_indent
    assert first.paragraph_format.first_line_indent.pt == second.paragraph_format.first_line_indent.pt - 3 * 16
    date = next(paragraph for paragraph in word.paragraphs if paragraph.text == "2019年1月15日")
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_a_name_with_markup_prints_as_the_characters_it_is(word: Document) -> None:
    assert f"{HOSTILE}完成确保目标的186.3%，位居全市第一。" in texts(word)
    assert word.tables[0].rows[4].cells[1].text == HOSTILE  # header, city, 城中区, 鱼峰区, then it


def test_the_attachment_tables_hold_every_row_and_repeat_their_header_on_every_page(word: Document) -> None:
    tables = [table for attachment in BULLETIN.attachments for table in attachment.tables]

    assert len(word.tables) == len(tables) == 3
    for table, expected in zip(word.tables, tables, strict=True):
        rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
        assert rows[1:] == list(expected.rows)
        # A header too wide for its column breaks before its bracket: 与序时差 / (百分点).
        assert "与序时差\n(百分点)" in rows[0]
        assert tuple(text.replace("\n", "") for text in rows[0]) == expected.header
        assert len(rows[0]) == 12 and len(rows) == 16
        repeated = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
        assert repeated == [True] + [False] * 15


def test_the_captions_precede_their_tables_and_strong_rows_are_bold_and_figures_right(word: Document) -> None:
    lines = texts(word)
    assert lines.index("附件1") < lines.index("高新技术企业数（家）") < lines.index("技术合同成交额（万元）")
    assert lines.index("附件2") < lines.index("科技型中小企业（家）")

    city, county = word.tables[0].rows[1], word.tables[0].rows[2]
    assert city.cells[1].paragraphs[0].runs[0].font.bold
    assert not county.cells[1].paragraphs[0].runs[0].font.bold
    assert county.cells[4].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert county.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert county.cells[4].paragraphs[0].runs[0].font.size.pt == 9


def test_the_body_is_a4_portrait_each_attachment_landscape_and_the_colophon_portrait(word: Document) -> None:
    pages = [(section.orientation, round(section.page_width.mm), round(section.page_height.mm))
             for section in word.sections]  # fmt: skip

    portrait, landscape = (WD_ORIENT.PORTRAIT, 210, 297), (WD_ORIENT.LANDSCAPE, 297, 210)
    assert pages == [portrait, landscape, landscape, portrait]
    assert round(word.sections[0].top_margin.mm) == 37 and round(word.sections[0].left_margin.mm) == 28


def test_the_colophon_names_the_copies_and_who_printed_it_when(word: Document) -> None:
    lines = texts(word)

    assert lines[-2:] == ["抄送：市人民政府办公室。", "柳州市科学技术局\t2019年1月15日印发"]


def test_the_pages_are_numbered_in_the_footer_between_dashes(word: Document) -> None:
    footer = word.sections[0].footer.paragraphs[0]

    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml
    assert word.settings.odd_and_even_pages_header_footer


def test_a_first_issue_shows_no_version_and_a_bulletin_without_attachments_still_renders() -> None:
    plain = BulletinDocument(
        issuer="柳州市科学技术局",
        issue_label="柳科通〔2020〕3号",
        title="关于开展检查的通报",
        recipients="各县（区）：",
        sections=SECTIONS[:1],
        attachments=(),
        signature="柳州市科学技术局",
        signed_on=dt.date(2020, 7, 5),
    )
    word = Document(io.BytesIO(bulletin_docx(plain)))

    assert texts(word)[:3] == ["柳州市科学技术局", "柳科通〔2020〕3号", "关于开展检查的通报"]
    assert not [text for text in texts(word) if text.startswith("附件")]
    assert texts(word)[-1] == "2020年7月5日"
    assert len(word.sections) == 1 and word.tables == []


def test_a_title_breaks_before_a_word_near_its_middle_or_where_its_author_broke_it() -> None:
    assert title_lines("关于开展检查的通报") == ("关于开展检查的通报",)
    assert title_lines("关于2018年科技创新目标任务完成情况的通报") == ("关于2018年科技创新目标任务", "完成情况的通报")
    assert title_lines("关于2020年1—6月科技创新目标任务执行情况的通报") == (
        "关于2020年1—6月科技创新目标任务",
        "执行情况的通报",
    )
    assert title_lines("关于柳州市\n科技创新的通报") == ("关于柳州市", "科技创新的通报")
    assert title_lines("柳州市人民政府办公室转发自治区科学技术厅科技创新通知") == (
        "柳州市人民政府办公室",
        "转发自治区科学技术厅科技创新通知",
    )
    assert title_lines("科学技术创新发展规划编制研究咨询服务项目公开招标公告") == (
        "科学技术创新发展规划编制研",  # no word to break before: the middle
        "究咨询服务项目公开招标公告",
    )


# The PDF


def test_the_pdf_is_a_pdf_of_a_few_pages_and_small(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) < 1_000_000


def test_the_pdf_embeds_subsets_of_its_chinese_fonts_and_references_no_other(pdf: bytes) -> None:
    objects = pdf_objects(pdf)
    descriptors = re.findall(rb"/Type ?/FontDescriptor(.*?)>>", objects, re.S)
    fonts = set(re.findall(rb"/BaseFont ?/([^\s/<>\[\]]+)", objects))

    assert descriptors and all(re.search(rb"/FontFile[23]? ", descriptor) for descriptor in descriptors)
    assert {re.sub(rb"^[A-Z]{6}\+", b"", font) for font in fonts} == {b"Noto-Serif-SC", b"Noto-Serif-SC-Bold"}
    assert all(re.match(rb"[A-Z]{6}\+", font) for font in fonts)  # the subset tag: only the glyphs used


def test_the_pdf_reads_the_title_the_headings_the_figures_and_the_markup_as_text(pdf_text: str) -> None:
    words = re.sub(r"\s+", "", pdf_text)

    assert "柳州市科学技术局" in words and "第3期（第2版）" in words
    assert "关于2018年科技创新目标任务完成情况的通报" in words
    assert "一、总体情况" in words and "二、下一步工作要求" in words
    assert "完成年度计划142.6%，高于序时进度42.6个百分点" in words
    assert f"{HOSTILE}完成确保目标的186.3%" in words
    assert "附件：1.2018年柳州市科技创新目标任务完成情况表" in words
    assert "抄送：市人民政府办公室。" in words


def test_the_pdf_prints_every_table_with_its_header(pdf_text: str) -> None:
    words = re.sub(r"\s+", "", pdf_text)

    assert words.count("三江侗族自治县") == 3  # one row in each of the three tables
    assert words.count("完成确保%完成力争%序时进度%") >= 3


def test_the_html_escapes_markup_in_names() -> None:
    html = bulletin_html(BULLETIN)

    assert "&lt;b&gt;柳南&lt;/b&gt;&amp;amp;=1+1" in html
    assert "<b>柳南" not in html


def test_without_its_fonts_the_pdf_is_refused_with_the_way_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match=r"make setup") as refused:
        bulletin_pdf(BULLETIN, fonts_dir=tmp_path)

    assert "NotoSerifSC_400Regular.ttf" in str(refused.value)
    assert "NotoSerifSC_700Bold.ttf" in str(refused.value)


def test_a_table_longer_than_a_page_repeats_its_header_on_the_next_page(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed: the PDF's text cannot be read back")
    long = Table("长表（家）", HEADER, tuple(progress_table("", 4).rows * 4), right_columns=frozenset(range(2, 10)))
    attachment = Attachment("附件1", "长表", (long,))
    path = tmp_path / "long.pdf"
    path.write_bytes(bulletin_pdf(dataclasses.replace(BULLETIN, attachments=(attachment,))))

    pages = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    landscape = [re.sub(r"\s+", "", page) for page in pages.split("\f") if "三江侗族自治县" in page]
    assert len(landscape) >= 2
    assert all("完成确保%" in page for page in landscape)


# -- a long bulletin: laid out in two processes, merged, numbered as one --------------------------------

LONG = dataclasses.replace(
    BULLETIN,
    attachments=(
        dataclasses.replace(
            BULLETIN.attachments[0], tables=tuple(progress_table(f"指标{n}（家）", n) for n in range(1, 15))
        ),
        BULLETIN.attachments[1],
    ),
)


def test_a_long_bulletin_is_cut_between_two_tables_and_a_short_one_is_not() -> None:
    head, tail = halves(LONG)  # 15 tables × 15 rows × 12 columns: 2,700 cells

    assert halves(BULLETIN) is None
    assert (head.with_body, tail.with_body, head.colophon, tail.colophon) == (True, False, False, True)
    (first,) = head.attachments
    continued, second = tail.attachments
    assert len(first.tables) + len(continued.tables) == 14 and len(first.tables) == 7  # 45 % of the cells first
    assert (first.show_heading, first.show_note, continued.show_heading, continued.show_note) == (
        True, False, False, True
    )  # fmt: skip
    assert second.attachment is LONG.attachments[1] and second.show_heading


def test_a_long_bulletin_reads_as_one_document_numbered_page_after_page() -> None:
    content = bulletin_pdf(LONG)

    with pdfplumber.open(io.BytesIO(content)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
        landscape = [page.width > page.height for page in document.pages]
    numbers = [re.findall(r"—\s*(\d+)\s*—", text)[-1] for text in pages]
    assert numbers == [str(n) for n in range(1, len(pages) + 1)]
    assert landscape[0] is False and landscape[-2] is True and landscape[-1] is False  # the 版记 page last
    whole = "".join(pages)
    assert all(f"指标{n}（家）" in whole for n in range(1, 15))
    assert whole.count("附件1") == 1  # over its first table, not again where it continues
    assert whole.count("说明：状态按与序时进度之差划分。") == 1
    assert b"/FontFile2" in pdf_objects(content)
