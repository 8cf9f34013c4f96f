#!/usr/bin/env python3
"""Drives a running ox-sim through its WSDLs with zeep, the SOAP toolkit univention's
ox-connector uses against real OX. Usage: zeep_client.py BASE_URL MASTER_LOGIN MASTER_PASSWORD

Loads the WSDLs unchanged, creates a context, a user and a group, and checks faults,
void operations and the reseller services. Exits non-zero on any mismatch."""

import sys

import zeep
from zeep.exceptions import Fault

D = "{http://dataobjects.soap.admin.openexchange.com/xsd}"
CID = 4242


def client(base, service):
    return zeep.Client(f"{base}/webservices/{service}?wsdl")


def expect_fault(fn, text):
    try:
        fn()
    except Fault as f:
        assert text in f.message, f"fault {f.message!r} lacks {text!r}"
        assert "; exceptionId " in f.message, f.message
        return f
    raise AssertionError(f"expected a fault containing {text!r}")


def main():
    base, login, password = sys.argv[1], sys.argv[2], sys.argv[3]
    master = {"login": login, "password": password}
    admin_creds = {"login": "oxadmin", "password": "adminpw"}

    ctx_svc = client(base, "OXContextService")
    user_svc = client(base, "OXUserService")
    group_svc = client(base, "OXGroupService")

    # Typed objects from the WSDL's schema, like univention's Types class.
    Context = ctx_svc.get_type(D + "Context")
    User = ctx_svc.get_type(D + "User")
    ctx = Context(id=CID, name="zeep.example", maxQuota=1024, loginMappings=["zeep.example"])
    admin = User(
        name="oxadmin", password="adminpw", display_name="Zeep Admin", given_name="Zeep",
        sur_name="Admin", primaryEmail="admin@zeep.example", email1="admin@zeep.example",
    )
    created = ctx_svc.service.create(ctx=ctx, admin_user=admin, auth=master)
    assert created.id == CID and created.enabled is True, created
    assert created.loginMappings == ["zeep.example"], created.loginMappings
    assert ctx_svc.service.exists(ctx=Context(id=CID), auth=master) is True
    expect_fault(lambda: ctx_svc.service.create(ctx=ctx, admin_user=admin, auth=master),
                 f"Context {CID} already exists!")
    assert ctx_svc.service.getAdminId(ctx=Context(id=CID), auth=master) == 2
    ctx_svc.service.changeQuota(ctx=Context(id=CID), module="infostore", quotaValue="100", auth=master)
    quotas = ctx_svc.service.listQuota(ctx=Context(id=CID), auth=master)
    assert [(q.module, q.limit) for q in quotas] == [("infostore", 100)], quotas

    # A user, created through OXUserService with the context admin's credentials.
    UCtx = user_svc.get_type(D + "Context")
    UUser = user_svc.get_type(D + "User")
    user = user_svc.service.create(
        ctx=UCtx(id=CID),
        usrdata=UUser(
            name="jdoe", password="secret", display_name="John Doe", given_name="John",
            sur_name="Doe", primaryEmail="jdoe@zeep.example", email1="jdoe@zeep.example",
        ),
        auth=admin_creds,
    )
    assert user.id == 3 and user.name == "jdoe", user
    assert user.aliases == ["jdoe@zeep.example"], user.aliases
    assert user.defaultSenderAddress == "jdoe@zeep.example"
    assert user.password is None
    # Void operation: returns None.
    assert user_svc.service.change(ctx=UCtx(id=CID), usrdata=UUser(id=user.id, display_name="J. Doe"),
                                   auth=admin_creds) is None
    got = user_svc.service.getData(ctx=UCtx(id=CID), user=UUser(name="jdoe"), auth=admin_creds)
    assert got.display_name == "J. Doe" and got.given_name == "John", got
    assert user_svc.service.getAccessCombinationName(ctx=UCtx(id=CID), user=UUser(id=user.id),
                                                     auth=admin_creds) == "groupware_premium"
    access = user_svc.service.getModuleAccess(ctx=UCtx(id=CID), user=UUser(id=user.id), auth=admin_creds)
    assert access.webmail is True and access.publicFolderEditable is False, access
    ids = [u.id for u in user_svc.service.listAll(ctx=UCtx(id=CID), auth=admin_creds)]
    assert ids == [2, 3], ids
    expect_fault(lambda: user_svc.service.create(
        ctx=UCtx(id=CID),
        usrdata=UUser(name="jdoe", password="x", display_name="Other", given_name="a", sur_name="b",
                      primaryEmail="o@zeep.example", email1="o@zeep.example"),
        auth=admin_creds), "User jdoe already exists in this context")
    f = expect_fault(lambda: user_svc.service.getData(ctx=UCtx(id=CID), user=UUser(id=77), auth=admin_creds),
                     f"No such user 77 in context {CID}")
    assert f.code.endswith("Server"), f.code

    # A group with the user as member.
    GCtx = group_svc.get_type(D + "Context")
    Group = group_svc.get_type(D + "Group")
    GUser = group_svc.get_type(D + "User")
    grp = group_svc.service.create(ctx=GCtx(id=CID), grp=Group(name="staff", displayname="Staff",
                                                                members=[user.id]), auth=admin_creds)
    assert grp.name == "staff" and grp.members == [user.id], grp
    expect_fault(lambda: group_svc.service.addMember(ctx=GCtx(id=CID), grp=Group(id=grp.id),
                                                     members=[GUser(id=user.id)], auth=admin_creds),
                 "Member already exists in group")
    members = group_svc.service.getMembers(ctx=GCtx(id=CID), grp=Group(id=grp.id), auth=admin_creds)
    assert [m.id for m in members] == [user.id], members
    default = group_svc.service.getData(ctx=GCtx(id=CID), grp=Group(id=1), auth=admin_creds)
    assert default.name == "users" and default.members == [2, 3], default

    # Reseller services: a subadmin and a context it owns (ResellerContext extends Context).
    res_svc = client(base, "OXResellerService")
    R = "{http://dataobjects.rmi.reseller.admin.openexchange.com/xsd}"
    Admin = res_svc.get_type(R + "ResellerAdmin")
    Restriction = res_svc.get_type(R + "Restriction")
    sub = res_svc.service.create(
        adm=Admin(name="zeepbrand", password="rpw", displayname="Zeep Brand",
                  restrictions=[Restriction(name="Subadmin.MaxContext", value="1")]),
        creds=master)
    assert sub.name == "zeepbrand" and sub.id >= 1, sub
    restrictions = res_svc.service.getAvailableRestrictions(creds=master)
    assert "Subadmin.MaxOverallUser" in [r.name for r in restrictions]
    rctx_svc = client(base, "OXResellerContextService")
    RContext = rctx_svc.get_type("{http://dataobjects.soap.reseller.admin.openexchange.com/xsd}ResellerContext")
    RUser = rctx_svc.get_type(D + "User")
    sub_creds = {"login": "zeepbrand", "password": "rpw"}
    rc = rctx_svc.service.create(
        ctx=RContext(id=4343, name="brand.example", maxQuota=10, customid="c-1"),
        admin_user=RUser(name="oxadmin", password="a", display_name="A", given_name="A", sur_name="B",
                         primaryEmail="a@brand.example", email1="a@brand.example"),
        auth=sub_creds)
    assert rc.id == 4343 and rc.customid == "c-1" and rc.sid == sub.id, rc
    assert rc.owner.name == "zeepbrand", rc.owner
    listed = rctx_svc.service.listAll(auth=sub_creds)
    assert [c.id for c in listed] == [4343], listed
    expect_fault(lambda: rctx_svc.service.create(ctx=RContext(id=4344, maxQuota=1),
                                                 admin_user=RUser(name="x", password="a", display_name="A",
                                                                  given_name="A", sur_name="B",
                                                                  primaryEmail="x@b.example",
                                                                  email1="x@b.example"),
                                                 auth=sub_creds),
                 "Maximum number of contexts reached: 1")
    print("zeep client: ok")


if __name__ == "__main__":
    main()
