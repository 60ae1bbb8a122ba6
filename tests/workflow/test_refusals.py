"""Bad input is refused with a sentence that says why, and nothing is written."""

import io
import zipfile
from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.reporting.models import ActualValue, Evidence
from mubiao.reporting.workflow import (
    StaleVersion,
    WorkflowError,
    actual_approve,
    actual_enter,
    actual_submit,
    evidence_attach,
)

from .conftest import web

pytestmark = pytest.mark.django_db


def written(evidence_root) -> tuple:
    """Everything a refused step could have left behind."""
    files = sorted(p.name for p in evidence_root.rglob("*") if p.is_file()) if evidence_root.exists() else []
    return (
        list(ActualValue.objects.order_by("pk").values_list("pk", "status", "value", "version", "note")),
        AuditRecord.objects.count(),
        Evidence.objects.count(),
        files,
    )


@pytest.fixture
def draft(people, indicator3, liunan):
    return actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40")


def refused(evidence_root, step, expected=WorkflowError) -> str:
    before = written(evidence_root)
    with pytest.raises(expected) as error:
        step()
    assert written(evidence_root) == before
    return str(error.value)


def test_a_negative_count_of_enterprises_is_refused_naming_the_indicator(people, indicator3, liunan, evidence_root):
    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="-3"
        ),
    )
    assert message == "“3. 高新技术企业”以“家”计数，实际值不能为负数（填写的是-3）"


def test_a_negative_value_of_an_indicator_that_does_not_count_things_is_accepted(people, indicator3, liunan):
    indicator3.unit_of_measure = "亿元"
    indicator3.save()
    figure = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="-1.5"
    )
    assert figure.value == Decimal("-1.5")


def test_text_for_a_number_is_refused(people, indicator3, liunan, evidence_root):
    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="十二"
        ),
    )
    assert message == "“十二”不是数值"


def test_a_period_outside_the_plan_is_refused(people, indicator3, liunan, evidence_root):
    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2024", value="40"
        ),
    )
    assert message == "期间2024不在规划期2018—2022年内"


def test_a_period_that_is_no_period_is_refused(people, indicator3, liunan, evidence_root):
    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q5", value="40"
        ),
    )
    assert "不是有效的期间" in message


def test_a_fake_pdf_is_refused_by_its_content(people, draft, evidence_root):
    message = refused(
        evidence_root,
        lambda: evidence_attach(
            actor=web(people.reporter), actual=draft, filename="认定证书.pdf", content=b"<html>not a pdf</html>"
        ),
    )
    assert message == "“认定证书.pdf”的内容不是PDF文件（按文件内容检查，不看扩展名）"


def test_a_png_named_pdf_is_refused(people, draft, evidence_root):
    message = refused(
        evidence_root,
        lambda: evidence_attach(
            actor=web(people.reporter), actual=draft, filename="证书.pdf", content=b"\x89PNG\r\n\x1a\n" + b"0" * 64
        ),
    )
    assert message == "“证书.pdf”的内容是PNG文件，与扩展名.pdf不符"


def test_an_executable_is_refused_by_its_name(people, draft, evidence_root):
    message = refused(
        evidence_root,
        lambda: evidence_attach(actor=web(people.reporter), actual=draft, filename="run.exe", content=b"MZ\x90\x00"),
    )
    assert message.startswith("“run.exe”不是可接受的证明材料类型")


def test_an_oversized_file_is_refused(people, draft, evidence_root, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    message = refused(
        evidence_root,
        lambda: evidence_attach(
            actor=web(people.reporter), actual=draft, filename="big.pdf", content=b"%PDF-1.7\n" + b"0" * 2000
        ),
    )
    assert message == "“big.pdf”有2,009字节，超过上限1,000字节"


def test_a_zip_bomb_posing_as_a_workbook_is_refused_without_unpacking_it(people, draft, evidence_root, settings):
    settings.EVIDENCE_MAX_BYTES = 100_000  # so the bomb may unpack to at most 2 MB
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(50):
                member.write(b"\0" * 1_000_000)
    content = packed.getvalue()
    assert len(content) < 100_000

    message = refused(
        evidence_root,
        lambda: evidence_attach(actor=web(people.reporter), actual=draft, filename="报表.xlsx", content=content),
    )
    assert message == "文件解压后达50,000,008字节，远超上限，疑似压缩炸弹，已拒绝"


def test_a_zip_that_is_no_workbook_is_refused(people, draft, evidence_root):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("readme.txt", "hello")
    message = refused(
        evidence_root,
        lambda: evidence_attach(
            actor=web(people.reporter), actual=draft, filename="报表.xlsx", content=packed.getvalue()
        ),
    )
    assert message == "“报表.xlsx”的内容不是Excel (.xlsx)文件（按文件内容检查，不看扩展名）"


def test_submitting_an_approved_figure_is_refused(people, draft, evidence_root):
    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    approved = actual_approve(actor=web(people.reviewer), actual=submitted, expected_version=2)

    message = refused(
        evidence_root, lambda: actual_submit(actor=web(people.reporter), actual=approved, expected_version=3)
    )
    assert message == "已通过的数据不能提交（3. 高新技术企业 · 柳南 · 2019-Q1）；如需更正，请管理员解锁"


def test_entering_over_a_submitted_figure_is_refused(people, draft, indicator3, liunan, evidence_root):
    actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)

    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter),
            indicator=indicator3,
            org_unit=liunan,
            period="2019-Q1",
            value="41",
            expected_version=2,
        ),
    )
    assert message == "已提交的数据不能修改（3. 高新技术企业 · 柳南 · 2019-Q1），请等待审核"


def test_attaching_evidence_to_a_submitted_figure_is_refused(people, draft, evidence_root):
    actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    message = refused(
        evidence_root,
        lambda: evidence_attach(actor=web(people.reporter), actual=draft, filename="a.pdf", content=b"%PDF-1.4 x"),
    )
    assert message.startswith("已提交的数据不能添加证明材料")


def test_a_save_from_a_stale_version_is_refused(people, draft, indicator3, liunan, evidence_root):
    actual_enter(
        actor=web(people.reporter),
        indicator=indicator3,
        org_unit=liunan,
        period="2019-Q1",
        value="41",
        expected_version=1,
    )

    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter),
            indicator=indicator3,
            org_unit=liunan,
            period="2019-Q1",
            value="42",
            expected_version=1,
        ),
        StaleVersion,
    )
    assert "当前版本2，您看到的是版本1" in message
    assert ActualValue.objects.get(pk=draft.pk).value == Decimal("41")


def test_correcting_a_draft_without_the_version_seen_is_refused_as_stale(
    people, draft, indicator3, liunan, evidence_root
):
    refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="42"
        ),
        StaleVersion,
    )


def test_a_stale_submit_is_refused(people, draft, evidence_root):
    message = refused(
        evidence_root, lambda: actual_submit(actor=web(people.reporter), actual=draft, expected_version=7), StaleVersion
    )
    assert "当前版本1，您看到的是版本7" in message


def test_a_return_without_a_reason_is_refused(people, draft, evidence_root):
    from mubiao.reporting.workflow import actual_return

    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    message = refused(
        evidence_root,
        lambda: actual_return(actor=web(people.reviewer), actual=submitted, reason="  ", expected_version=2),
    )
    assert message == "退回须说明原因"


def test_submitting_a_figure_without_a_value_is_refused(people, indicator3, liunan, evidence_root):
    blank = actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q2", value="")
    assert blank.value is None
    message = refused(
        evidence_root, lambda: actual_submit(actor=web(people.reporter), actual=blank, expected_version=1)
    )
    assert message == "尚未填写实际值，不能提交（3. 高新技术企业 · 柳南 · 2019-Q2）"


def test_a_unit_outside_the_plan_is_refused(people, indicator3, evidence_root):
    from mubiao.orgunits.models import OrgUnit

    elsewhere = OrgUnit.objects.create(name="南宁市", short_name="南宁", kind="city")
    # An administrator may enter anywhere the plan reaches, and no further.
    message = refused(
        evidence_root,
        lambda: actual_enter(
            actor=web(people.admin), indicator=indicator3, org_unit=elsewhere, period="2019-Q1", value="1"
        ),
    )
    assert message == "南宁市不是规划“柳州市科技创新支撑工业高质量发展实施方案”的填报单位"
