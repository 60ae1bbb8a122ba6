"""Reading numbers written by people: full-width digits, thousands separators, stray spaces.

Values are Decimal, never float. Anything that is not plainly a number is refused with a reason,
never guessed: a blank is "no value", not zero.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Context, Decimal, Inexact, InvalidOperation

from mubiao.domain.refusals import Refusal

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_EXPONENT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$")
_SEPARATED = re.compile(r"^[+-]?[\d,]+(\.\d+)?$")


SPREADSHEET_ERRORS = {
    "#REF!": "引用无效",
    "#DIV/0!": "除数为零",
    "#N/A": "值不可用",
    "#VALUE!": "值类型错误",
    "#NAME?": "名称无法识别",
    "#NUM!": "数值无效",
    "#NULL!": "区域不相交",
}


class NumberFormatError(ValueError):
    """A cell that should hold a number holds something else; the message says what.

    `code` names the rule for the doors (see mubiao.refusals), `text` is what was written.
    """

    def __init__(self, message: str, *, code: str = "number_not_a_number", text: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.text = text

    def refusal(self, field: str = "value") -> Refusal:
        return Refusal(self.code, field, {"text": self.text})


def normalise_text(text: str) -> str:
    """Fold full-width forms to ASCII (１２ → 12, （ → (), and strip surrounding whitespace."""
    return unicodedata.normalize("NFKC", text).strip()


def is_blank(text: str | None) -> bool:
    return text is None or normalise_text(text) in {"", "-", "—", "/", "－", "——"}


def parse_decimal(text: str | None) -> Decimal | None:
    """Return the Decimal a cell holds, or None for a blank cell.

    Raises NumberFormatError for text that is not a number (including 1.2万 and percentages,
    which need an explicit unit rule rather than a silent conversion).
    """
    if text is not None and text.isascii():
        # The common case, and the hot one in a large workbook: a plain ASCII number.
        stripped = text.strip()
        digits = stripped[1:] if stripped[:1] in ("+", "-") else stripped
        if digits.replace(".", "", 1).isdigit():
            return Decimal(stripped)
    if is_blank(text):
        return None
    assert text is not None
    folded = normalise_text(text).replace(" ", "")
    if _THOUSANDS.match(folded):
        folded = folded.replace(",", "")
    if not _PLAIN.match(folded):
        if folded.upper() in SPREADSHEET_ERRORS:
            raise NumberFormatError(
                f"单元格是 Excel 错误值“{folded}”（{SPREADSHEET_ERRORS[folded.upper()]}），请先在 Excel 中修正",
                code="number_spreadsheet_error",
                text=folded,
            )
        if folded.startswith("="):
            raise NumberFormatError(
                f"公式“{folded}”没有保存计算结果（文件未经 Excel 计算后保存），请在 Excel 中打开并保存后再导入",
                code="number_formula",
                text=folded,
            )
        if folded.endswith("%"):
            raise NumberFormatError(f"“{text}”是百分数，这里需要一个数值", code="number_percent", text=text)
        if folded.endswith(("万", "亿")):
            raise NumberFormatError(f"“{text}”带有数量单位，这里需要一个纯数值", code="number_scaled", text=text)
        if _EXPONENT.match(folded):
            raise NumberFormatError(f"“{text}”是科学记数法，请写出完整的数值", code="number_exponent", text=text)
        if _SEPARATED.match(folded):
            raise NumberFormatError(
                f"“{text}”的千位分隔符位置不对（应每三位一个，如 1,234,567）",
                code="number_misplaced_separator",
                text=text,
            )
        raise NumberFormatError(f"“{text}”不是数值", text=text)
    try:
        return Decimal(folded)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise NumberFormatError(f"“{text}”不是数值", text=text) from exc


_SCALED = re.compile(r"^(?P<number>[+-]?[\d,.]+)(?P<scale>万|亿)$")
_SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
PERCENT_UNITS = {"%", "％", "百分比"}


def parse_quantity(text: str | None, unit_of_measure: str = "") -> Decimal | None:
    """A cell's value in the column's unit of measure, reading the written forms people use.

    Beyond parse_decimal: "15%" is read as 15 where the unit is %, "1.2万" as 12000 where the unit
    carries no 万 or 亿 of its own (1.2万 in a 人 column is 12000 people). Where the unit does
    (1.2万 in a 万元 column) the figure cannot be read without guessing, so it is refused.
    """
    try:
        return parse_decimal(text)
    except NumberFormatError:
        assert text is not None
        folded = normalise_text(text).replace(" ", "")
        unit = normalise_text(unit_of_measure)
        if folded.endswith("%") and unit in PERCENT_UNITS:
            return parse_decimal(folded[:-1])
        scaled = _SCALED.match(folded)
        if scaled and unit and not any(scale in unit for scale in _SCALES):
            number = parse_decimal(scaled.group("number"))
            if number is not None:
                return number * _SCALES[scaled.group("scale")]
        if folded.endswith("%"):
            raise NumberFormatError(
                f"“{text}”是百分数，但本列的计量单位是“{unit_of_measure or '未注明'}”，无法确定数值"
            ) from None
        if scaled:
            raise NumberFormatError(
                f"“{text}”带有“{scaled.group('scale')}”，而本列的计量单位是“{unit_of_measure or '未注明'}”，"
                "无法确定数值：请写成按计量单位的纯数值"
            ) from None
        raise


def looks_numeric(text: str | None) -> bool:
    try:
        return parse_decimal(text) is not None
    except NumberFormatError:
        return False


def format_decimal(value: Decimal | None) -> str:
    """Show a Decimal without a trailing '.0000': 12 not 12.0000, 1.5 not 1.5000; blank stays blank."""
    if value is None:
        return ""
    # Trailing zeros are cut from the text: normalize() and quantize() work to the context's 28 digits,
    # and a 29-digit figure typed by mistake must still be shown as typed, not rounded or refused.
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- the figures people report ------------------------------------------------------------------

#: Units of measure that count things: a figure in one of them is a whole number, never negative.
COUNTING_UNITS = frozenset({"家", "个", "项", "人", "件", "家次", "户", "名", "所", "座", "台", "次", "批", "支", "处"})

#: What a stored figure can hold (a DecimalField of 20 digits, 4 of them decimals). A value with more
#: places would be rounded by the database, and the next import of the same file would see a change.
DECIMAL_PLACES = 4
INTEGER_DIGITS = 16


def is_count(unit_of_measure: str) -> bool:
    """Whether figures in this unit count things (家, 个, 项 …)."""
    return normalise_text(unit_of_measure) in COUNTING_UNITS


def figure_refusal(value: Decimal, *, unit_of_measure: str, indicator: str, field: str = "value") -> Refusal | None:
    """Why a parsed figure cannot be an indicator's value, or None when it can.

    The one rule for every door: finite; in a counting unit whole and not negative (amounts, rates
    and ratios may be negative: a fall in output); storable exactly.
    """
    shown = format_decimal(value) if value.is_finite() else str(value)
    if not value.is_finite():
        return Refusal("value_not_finite", field, {"indicator": indicator})
    if is_count(unit_of_measure):
        unit = normalise_text(unit_of_measure)
        if value != value.to_integral_value():
            return Refusal("value_not_whole", field, {"indicator": indicator, "unit": unit, "value": shown})
        if value < 0:
            return Refusal("value_negative_count", field, {"indicator": indicator, "unit": unit, "value": shown})
    return storage_refusal(value, field)


_STORED_PLACES = Decimal(1).scaleb(-DECIMAL_PLACES)
_STORED_EXACTLY = Context(prec=INTEGER_DIGITS + DECIMAL_PLACES + 8, traps=[Inexact])


def storage_refusal(value: Decimal, field: str = "value") -> Refusal | None:
    """Why a finite figure cannot be stored exactly (more than 16 integer digits or 4 decimal places),
    or None. Fast for the common case: a large table asks it of every value."""
    if value.adjusted() >= INTEGER_DIGITS:  # the leading digit's place: 16 means a 17-digit integer part
        return Refusal("value_too_many_digits", field, {"value": format_decimal(value), "digits": INTEGER_DIGITS})
    try:
        # Exact when the figure has at most four places that are not zero (12.50000 is 12.5); the digits
        # are already bounded above, so the result fits the context and only rounding can fail.
        value.quantize(_STORED_PLACES, context=_STORED_EXACTLY)
    except Inexact:
        return Refusal("value_too_many_places", field, {"value": format_decimal(value), "places": DECIMAL_PLACES})
    return None
