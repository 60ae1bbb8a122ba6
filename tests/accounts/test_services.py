"""Account services: creating, disabling, granting and revoking, issuing tokens — checked and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token

from mubiao.accounts.models import Role, RoleKind
from mubiao.accounts.permissions import grants_for
from mubiao.accounts.services import (
    AccountError,
    password_generate,
    role_grant,
    role_revoke,
    role_spec_parse,
    token_issue,
    user_create,
    user_disable,
)
from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from tests.accounts.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db


def roles_of(user: User) -> set[tuple[str, str | None, str | None, bool]]:
    return {
        (
            role.kind,
            role.org_unit.short_name if role.org_unit else None,
            role.department.name if role.department else None,
            role.is_active,
        )
        for role in Role.objects.filter(user=user)
    }


def audit_of(obj_type: str, obj_id: int) -> list[tuple[str, str, str]]:
    records = AuditRecord.objects.filter(object_type=obj_type, object_id=str(obj_id)).order_by("id")
    return [(record.action, record.door, record.reason) for record in records]


def test_it_creates_a_reporter_scoped_to_the_unit_named_by_its_short_name(seed_plan, make_user) -> None:
    user = make_user("li", ("reporter", "柳南"), full_name="李四", email="li@example.cn")

    assert (user.username, user.get_full_name(), user.email, user.is_active) == ("li", "李四", "li@example.cn", True)
    assert user.check_password(GOOD_PASSWORD)
    assert roles_of(user) == {("reporter", "柳南", None, True)}
    assert Role.objects.get(user=user).org_unit == OrgUnit.objects.get(name="柳南区")


def test_it_creates_a_reviewer_scoped_to_the_department_named(seed_plan, make_user) -> None:
    user = make_user("keji", ("reviewer", "市科技局"))

    assert roles_of(user) == {("reviewer", None, "市科技局", True)}
    assert grants_for(user).reviewer_departments == {Department.objects.get(name="市科技局").pk}


def test_a_reporter_for_the_city_holds_every_unit_beneath_it(seed_plan, make_user, liuzhou) -> None:
    user = make_user("city", ("reporter", "柳州市"))

    units = grants_for(user).reporter_units
    assert OrgUnit.objects.get(name="柳南区").pk in units
    assert liuzhou.pk in units
    assert len(units) == 1 + 12


def test_an_administrator_role_opens_the_admin_site_and_a_viewer_does_not(db, make_user) -> None:
    admin, viewer = make_user("boss", ("admin", None)), make_user("leader", ("viewer", None))

    assert (admin.is_staff, admin.is_superuser, grants_for(admin).is_admin) == (True, True, True)
    assert (viewer.is_staff, viewer.is_superuser, grants_for(viewer).is_viewer) == (False, False, True)


def test_creation_is_audited_without_the_password(db, make_user) -> None:
    user = make_user("leader", ("viewer", None), full_name="王五")

    record = AuditRecord.objects.get(object_type="auth.user", object_id=str(user.pk))
    assert (record.action, record.door, record.actor_label) == ("create", "cli", "operator（命令行）")
    assert record.before is None
    assert record.after == {
        "username": "leader",
        "full_name": "王五",
        "email": "",
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
    }
    role = Role.objects.get(user=user)
    assert audit_of("accounts.role", role.pk) == [("create", "cli", "")]
    assert "pbkdf2" not in str(list(AuditRecord.objects.values_list("after", flat=True)))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A", "密码不符合要求：至少 10 位"),
        ("1234567890", "密码不符合要求：太常见，容易被猜中；不能全是数字"),
        ("password123", "密码不符合要求：太常见，容易被猜中"),
        ("wangxiaoming1", "密码不符合要求：与用户名、姓名或邮箱太相似"),
    ],
)
def test_a_weak_password_is_refused_with_every_rule_it_breaks_and_nothing_is_written(
    db, make_user, password, message
) -> None:
    records = AuditRecord.objects.count()  # the session's seed left its own

    with pytest.raises(AccountError) as refused:
        make_user("wangxiaoming", ("viewer", None), password=password)

    assert str(refused.value) == message
    assert not User.objects.filter(username="wangxiaoming").exists()
    assert AuditRecord.objects.count() == records


def test_an_existing_name_is_refused_whatever_its_case(db, make_user) -> None:
    make_user("Li")

    with pytest.raises(AccountError, match=r"^用户名“li”已存在$"):
        make_user("li")
    assert User.objects.count() == 1


def test_an_unknown_unit_is_refused_with_the_names_it_might_mean(seed_plan, make_user) -> None:
    with pytest.raises(AccountError) as refused:
        make_user("li", ("reporter", "柳男"))

    assert str(refused.value).startswith("找不到单位“柳男”，是否指“")
    assert "“柳南”" in str(refused.value)
    assert not User.objects.filter(username="li").exists()


def test_an_unknown_department_is_refused_with_the_name_it_might_mean(seed_plan, make_user) -> None:
    with pytest.raises(AccountError, match=r"^找不到部门“市科技”，是否指“市科技局”？$"):
        make_user("keji", ("reviewer", "市科技"))


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (("reporter", None), "填报人须指定范围，例如 reporter:柳南"),
        (("reviewer", None), "审核人须指定范围，例如 reviewer:市科技局"),
        (("viewer", "柳南"), "查看人不限定范围，请去掉“:柳南”"),
        (
            ("boss", None),
            "未知角色“boss”：可用 admin（管理员）、reviewer（审核人）、reporter（填报人）、viewer（查看人）",
        ),
    ],
)
def test_a_role_without_its_scope_or_with_one_it_cannot_have_is_refused(seed_plan, make_user, role, message) -> None:
    with pytest.raises(AccountError) as refused:
        make_user("x", role)

    assert str(refused.value) == message
    assert User.objects.count() == 0


def test_role_specs_are_read_in_english_or_chinese_with_either_colon() -> None:
    assert role_spec_parse("reporter:柳南") == ("reporter", "柳南")
    assert role_spec_parse("填报人：柳南") == ("reporter", "柳南")
    assert role_spec_parse("Viewer") == ("viewer", None)
    assert role_spec_parse("审核人:市科技局") == ("reviewer", "市科技局")


def test_generated_passwords_pass_the_rules_and_differ(db) -> None:
    from django.contrib.auth.password_validation import validate_password

    passwords = {password_generate("demo") for _ in range(20)}

    assert len(passwords) == 20
    for password in passwords:
        assert len(password) == 16
        validate_password(password, user=User(username="demo"))


def test_disabling_a_user_keeps_the_account_ends_every_role_and_is_audited(seed_plan, make_user, cli_actor) -> None:
    user = make_user("li", ("reporter", "柳南"), ("viewer", None))

    user_disable(actor=cli_actor, user=user, reason="调离岗位")

    user.refresh_from_db()
    assert user.is_active is False
    assert roles_of(user) == {("reporter", "柳南", None, False), ("viewer", None, None, False)}
    assert grants_for(user).has_any_role is False
    assert audit_of("auth.user", user.pk) == [("create", "cli", ""), ("disable", "cli", "调离岗位")]
    record = AuditRecord.objects.get(object_type="auth.user", action="disable")
    state = {"username": "li", "full_name": "", "email": "", "is_staff": False, "is_superuser": False}
    assert (record.before, record.after) == ({**state, "is_active": True}, {**state, "is_active": False})
    for role in Role.objects.filter(user=user):
        assert audit_of("accounts.role", role.pk) == [("create", "cli", ""), ("revoke", "cli", "调离岗位")]


def test_disabling_needs_a_reason_and_happens_once(db, make_user, cli_actor) -> None:
    user = make_user("li")

    with pytest.raises(AccountError, match=r"^停用账号须说明原因$"):
        user_disable(actor=cli_actor, user=user, reason="  ")
    user_disable(actor=cli_actor, user=user, reason="离职")
    with pytest.raises(AccountError, match=r"^账号“li”已停用$"):
        user_disable(actor=cli_actor, user=user, reason="离职")
    assert AuditRecord.objects.filter(action="disable").count() == 1


def test_a_role_revoked_and_granted_again_is_the_same_row_made_active(seed_plan, make_user, cli_actor) -> None:
    user = make_user("li", ("reporter", "柳南"))
    role = Role.objects.get(user=user)

    role_revoke(actor=cli_actor, role=role, reason="暂停")
    again = role_grant(actor=cli_actor, user=user, kind="reporter", scope="柳南区", reason="恢复")

    assert again.pk == role.pk
    assert roles_of(user) == {("reporter", "柳南", None, True)}
    assert audit_of("accounts.role", role.pk) == [
        ("create", "cli", ""),
        ("revoke", "cli", "暂停"),
        ("grant", "cli", "恢复"),
    ]


def test_a_role_already_held_is_not_granted_twice_even_without_a_scope(db, make_user, cli_actor) -> None:
    user = make_user("leader", ("viewer", None))

    with pytest.raises(AccountError, match=r"^“leader”已有角色查看人$"):
        role_grant(actor=cli_actor, user=user, kind="viewer")
    assert Role.objects.filter(user=user).count() == 1


def test_revoking_the_last_administrator_role_closes_the_admin_site(db, make_user, cli_actor) -> None:
    user = make_user("boss", ("admin", None))

    role_revoke(actor=cli_actor, role=Role.objects.get(user=user), reason="换人")

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser, grants_for(user).is_admin) == (False, False, False)


def test_a_token_is_issued_once_replacing_the_old_one_and_never_written_to_the_audit_log(
    db, make_user, cli_actor
) -> None:
    user = make_user("analyst", ("viewer", None))

    first = token_issue(actor=cli_actor, user=user)
    second = token_issue(actor=cli_actor, user=user)

    assert first != second and len(second) == 40
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second]
    records = AuditRecord.objects.filter(action="token").order_by("id")
    assert [(r.before, r.after) for r in records] == [
        ({"token": "none"}, {"token": "issued"}),
        ({"token": "replaced"}, {"token": "issued"}),
    ]
    assert first not in str(list(AuditRecord.objects.values("before", "after")))


def test_a_disabled_user_gets_no_token(db, make_user, cli_actor) -> None:
    user = make_user("gone")
    user_disable(actor=cli_actor, user=user, reason="离职")

    with pytest.raises(AccountError, match=r"^账号“gone”已停用，不能签发令牌$"):
        token_issue(actor=cli_actor, user=user)
    assert not Token.objects.filter(user=user).exists()


def test_users_issue_their_own_token_on_the_web_but_not_someone_elses(db, make_user) -> None:
    reporter, other = make_user("li", ("viewer", None)), make_user("wang")

    token_issue(actor=Actor.for_user(reporter, Door.WEB), user=reporter)
    with pytest.raises(PermissionDenied):
        token_issue(actor=Actor.for_user(reporter, Door.WEB), user=other)

    assert not Token.objects.filter(user=other).exists()
    denied = AuditRecord.objects.get(action="denied")
    assert (denied.actor_label, denied.object_id, denied.reason) == ("li", str(other.pk), "无权管理")


def test_only_an_administrator_creates_users_through_the_web(db, make_user) -> None:
    viewer, admin = make_user("leader", ("viewer", None)), make_user("boss", ("admin", None))

    with pytest.raises(PermissionDenied):
        user_create(actor=Actor.for_user(viewer, Door.WEB), username="new", password=GOOD_PASSWORD)
    created = user_create(
        actor=Actor.for_user(admin, Door.WEB), username="new", password=GOOD_PASSWORD, roles=[(RoleKind.VIEWER, None)]
    )

    assert created.username == "new"
    assert AuditRecord.objects.get(object_type="auth.user", object_id=str(created.pk)).actor_label == "boss"
