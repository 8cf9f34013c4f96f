//! Decoding responses in the shapes OX (CXF/JAXB) produces, and concurrent use of one client.

mod common;

use common::{Server, returns};
use ox::{Context, Credentials, ResellerContext, Right, User, parse_response};

/// A `getData` answer for a user as OX 8 writes it: default namespace on the wrapper, `ns2`
/// for fields, `xsi:nil` for unset fields, and fields this client does not model.
const USER_GET_DATA: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
<soap:Body>
<getDataResponse xmlns:ns5="http://exceptions.rmi.admin.openexchange.com/xsd" xmlns:ns4="http://rmi.java/xsd"
 xmlns:ns3="http://dataobjects.rmi.admin.openexchange.com/xsd" xmlns:ns2="http://dataobjects.soap.admin.openexchange.com/xsd"
 xmlns="http://soap.admin.openexchange.com">
<return>
<ns2:aliases>bob@example.org</ns2:aliases>
<ns2:aliases>robert@example.org</ns2:aliases>
<ns2:anniversary xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
<ns2:birthday>1980-01-31Z</ns2:birthday>
<ns2:contextadmin>false</ns2:contextadmin>
<ns2:drive_user_folder_mode>default</ns2:drive_user_folder_mode>
<ns2:defaultSenderAddress>bob@example.org</ns2:defaultSenderAddress>
<ns2:default_group><ns2:displayname>All users</ns2:displayname><ns2:id>1</ns2:id><ns2:name>users</ns2:name></ns2:default_group>
<ns2:display_name>Bob &amp; Co</ns2:display_name>
<ns2:email1>bob@example.org</ns2:email1>
<ns2:email2 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></ns2:email2>
<ns2:email3></ns2:email3>
<ns2:filestoreId>3</ns2:filestoreId>
<ns2:guiPreferencesForSoap xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
<ns2:id>17</ns2:id>
<ns2:imapLogin>bob@example.org</ns2:imapLogin>
<ns2:imapPort>143</ns2:imapPort>
<ns2:imapSchema>imap://</ns2:imapSchema>
<ns2:imapServer>imap.example.org</ns2:imapServer>
<ns2:imapServerString>imap://imap.example.org:143</ns2:imapServerString>
<ns2:language>en_US</ns2:language>
<ns2:mailenabled>true</ns2:mailenabled>
<ns2:maxQuota>-1</ns2:maxQuota>
<ns2:name>bob</ns2:name>
<ns2:password xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
<ns2:passwordMech>{SHA-256}</ns2:passwordMech>
<ns2:password_expired>false</ns2:password_expired>
<ns2:primaryEmail>bob@example.org</ns2:primaryEmail>
<ns2:smtpPort>587</ns2:smtpPort>
<ns2:sur_name>Builder</ns2:sur_name>
<ns2:timezone>Europe/Berlin</ns2:timezone>
<ns2:usedQuota>12</ns2:usedQuota>
<ns2:userAttributes><ns2:entries><ns2:key>config</ns2:key><ns2:value><ns2:entries>
<ns2:key>com.openexchange.mail.specialuse.check</ns2:key><ns2:value>true</ns2:value>
</ns2:entries></ns2:value></ns2:entries></ns2:userAttributes>
<ns2:primaryAccountName>bob@example.org</ns2:primaryAccountName>
<ns2:convert_drive_user_folders>false</ns2:convert_drive_user_folders>
<ns2:load_remote_mail_content_by_default xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
<ns2:image1ContentType>image/png</ns2:image1ContentType>
</return>
</getDataResponse>
</soap:Body>
</soap:Envelope>"#;

#[test]
fn full_user_from_recorded_shape() {
    let u: User = parse_response(200, USER_GET_DATA.as_bytes(), "getData")
        .unwrap()
        .one()
        .unwrap();
    assert_eq!(u.id, Some(17));
    assert_eq!(u.name.as_deref(), Some("bob"));
    assert_eq!(u.display_name.as_deref(), Some("Bob & Co"));
    assert_eq!(
        u.aliases,
        vec![
            "bob@example.org".to_string(),
            "robert@example.org".to_string()
        ]
    );
    assert_eq!(u.anniversary, None, "nil is None");
    assert_eq!(u.birthday.as_deref(), Some("1980-01-31Z"));
    assert_eq!(u.email2, None, "nil is None");
    assert_eq!(
        u.email3.as_deref(),
        Some(""),
        "empty element is the empty string"
    );
    assert_eq!(u.password, None);
    assert_eq!(u.max_quota, Some(-1));
    assert_eq!(u.mail_enabled, Some(true));
    assert_eq!(u.imap_port, Some(143));
    assert_eq!(
        u.default_group.as_ref().and_then(|g| g.name.as_deref()),
        Some("users")
    );
    assert_eq!(
        u.user_attributes
            .as_ref()
            .and_then(|a| a.get("config", "com.openexchange.mail.specialuse.check")),
        Some("true")
    );
    assert_eq!(u.drive_user_folder_mode.as_deref(), Some("default"));
    assert_eq!(u.primary_account_name.as_deref(), Some("bob@example.org"));
    assert_eq!(u.convert_drive_user_folders, Some(false));
}

#[test]
fn context_with_databases_and_quota_list() {
    let ctx_xml = "<ns2:enabled>true</ns2:enabled><ns2:filestoreId>2</ns2:filestoreId><ns2:id>4711</ns2:id>\
        <ns2:loginMappings>example.com</ns2:loginMappings><ns2:loginMappings>4711</ns2:loginMappings>\
        <ns2:maxQuota>1024</ns2:maxQuota><ns2:name>example.com</ns2:name>\
        <ns2:readDatabase><ns2:id>4</ns2:id><ns2:password>db-secret</ns2:password><ns2:scheme>oxdb_5</ns2:scheme></ns2:readDatabase>\
        <ns2:usedQuota>0</ns2:usedQuota>";
    let ctx: Context = parse_response(200, returns("getData", &[ctx_xml]).as_bytes(), "getData")
        .unwrap()
        .one()
        .unwrap();
    assert_eq!(ctx.id, Some(4711));
    assert_eq!(
        ctx.login_mappings,
        vec!["example.com".to_string(), "4711".to_string()]
    );
    let db = ctx.read_database.clone().unwrap();
    assert_eq!(db.scheme.as_deref(), Some("oxdb_5"));
    assert!(
        !format!("{ctx:?}").contains("db-secret"),
        "database password is redacted"
    );

    let quotas = returns(
        "listQuota",
        &[
            "<ns3:module>infostore</ns3:module><ns3:limit>0</ns3:limit>",
            "<ns3:module>calendar</ns3:module><ns3:limit>-1</ns3:limit>",
        ],
    );
    let q: Vec<ox::Quota> = parse_response(200, quotas.as_bytes(), "listQuota")
        .unwrap()
        .many()
        .unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(
        (q[1].module.as_deref(), q[1].limit),
        (Some("calendar"), Some(-1))
    );
}

#[test]
fn reseller_context_and_module_access() {
    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns1:getDataResponse xmlns:ns1="http://soap.reseller.admin.openexchange.com">
<ns1:return><id xmlns="http://dataobjects.soap.admin.openexchange.com/xsd">9</id>
<rc:customid xmlns:rc="http://dataobjects.soap.reseller.admin.openexchange.com/xsd">sub-9</rc:customid>
<rc:owner xmlns:rc="http://dataobjects.soap.reseller.admin.openexchange.com/xsd"><name>brand1</name><id>3</id></rc:owner>
<rc:restriction xmlns:rc="urn:x"><name>Context.MaxUser</name><value>10</value><id>7</id></rc:restriction>
<rc:sid xmlns:rc="urn:x">3</rc:sid></ns1:return></ns1:getDataResponse></soap:Body></soap:Envelope>"#;
    let rc: ResellerContext = parse_response(200, body.as_bytes(), "getData")
        .unwrap()
        .one()
        .unwrap();
    assert_eq!(rc.id, Some(9));
    assert_eq!(rc.customid.as_deref(), Some("sub-9"));
    assert_eq!(
        rc.owner.as_ref().and_then(|o| o.name.as_deref()),
        Some("brand1")
    );
    assert_eq!(rc.restriction[0].value.as_deref(), Some("10"));
    assert_eq!(rc.sid, Some(3));

    let access = returns(
        "getModuleAccess",
        &[
            "<ns2:OLOX20>false</ns2:OLOX20><ns2:calendar>true</ns2:calendar><ns2:webmail>true</ns2:webmail>",
        ],
    );
    let a: ox::UserModuleAccess = parse_response(200, access.as_bytes(), "getModuleAccess")
        .unwrap()
        .one()
        .unwrap();
    assert_eq!(a.rights(), vec![Right::Calendar, Right::Webmail]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_serves_many_concurrent_calls() {
    let srv = Server::start().await;
    srv.reply(&returns(
        "getData",
        &["<ns2:id>5</ns2:id><ns2:name>u</ns2:name>"],
    ));
    let client = srv.client();
    let auth = Credentials::new("oxadmin", "pw");
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (client, auth) = (client.clone(), auth.clone());
        tasks.push(tokio::spawn(async move {
            client
                .users()
                .get_data(&Context::with_id(i), &User::by_id(5), &auth)
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().id, Some(5));
    }
    assert_eq!(srv.hits(), 64);
}
