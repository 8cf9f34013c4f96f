//! Data object types, field order as in OX's JAXB classes (`propOrder`) and the
//! live WSDL as zeep prints it (univention ox-connector `types.py`).

use super::spec::fields;
use super::{ComplexType, Ns, SchemaError};

const CONTEXT: &str = "average_size:L enabled:B filestoreId:I filestore_name:S id:I \
    loginMappings:S* maxQuota:L name:S readDatabase:Database usedQuota:L \
    userAttributes:SOAPStringMapMap writeDatabase:Database";

const DATABASE: &str = "currentUnits:I driver:S id:I login:S master:B masterId:I maxUnits:I \
    name:S password:S poolHardLimit:I poolInitial:I poolMax:I read_id:I scheme:S url:S";

const FILESTORE: &str = "currentContexts:I id:I maxContexts:I reserved:L size:L url:S used:L";

const GROUP: &str = "displayname:S id:I members:I* name:S";

const RESOURCE: &str = "available:B description:S displayname:S email:S id:I name:S";

const USER_MODULE_ACCESS: &str = "OLOX20:B USM:B activeSync:B calendar:B \
    collectEmailAddresses:B contacts:B delegateTask:B deniedPortal:B editGroup:B \
    editPassword:B editPublicFolders:B editResource:B globalAddressBookDisabled:B ical:B \
    infostore:B multipleMailAccounts:B publicFolderEditable:B publication:B \
    readCreateSharedFolders:B subscription:B syncml:B tasks:B vcard:B webdav:B \
    webdavXml:B webmail:B";

/// User fields in the order of the live WSDL.
pub const USER: &str = "aliases:S* anniversary:D assistant_name:S birthday:D branches:S \
    business_category:S categories:S cellular_telephone1:S cellular_telephone2:S \
    city_business:S city_home:S city_other:S commercial_register:S company:S \
    contextadmin:B country_business:S country_home:S country_other:S \
    drive_user_folder_mode:S defaultSenderAddress:S default_group:Group department:S \
    display_name:S email1:S email2:S email3:S employeeType:S fax_business:S fax_home:S \
    fax_other:S filestoreId:I filestore_name:S folderTree:I given_name:S \
    guiPreferencesForSoap:SOAPStringMap gui_spam_filter_enabled:B id:I imapLogin:S \
    imapPort:I imapSchema:S imapServer:S imapServerString:S info:S instant_messenger1:S \
    instant_messenger2:S language:S mail_folder_confirmed_ham_name:S \
    mail_folder_confirmed_spam_name:S mail_folder_drafts_name:S mail_folder_sent_name:S \
    mail_folder_spam_name:S mail_folder_trash_name:S mail_folder_archive_full_name:S \
    mailenabled:B manager_name:S marital_status:S maxQuota:L middle_name:S name:S \
    nickname:S note:S number_of_children:S number_of_employee:S password:S \
    passwordMech:S password_expired:B position:S postal_code_business:S \
    postal_code_home:S postal_code_other:S primaryEmail:S profession:S room_number:S \
    sales_volume:S smtpPort:I smtpSchema:S smtpServer:S smtpServerString:S spouse_name:S \
    state_business:S state_home:S state_other:S street_business:S street_home:S \
    street_other:S suffix:S sur_name:S tax_id:S telephone_assistant:S \
    telephone_business1:S telephone_business2:S telephone_callback:S telephone_car:S \
    telephone_company:S telephone_home1:S telephone_home2:S telephone_ip:S \
    telephone_isdn:S telephone_other:S telephone_pager:S telephone_primary:S \
    telephone_radio:S telephone_telex:S telephone_ttytdd:S timezone:S title:S \
    uploadFileSizeLimit:I uploadFileSizeLimitPerFile:I url:S usedQuota:L \
    userAttributes:SOAPStringMapMap userfield01:S userfield02:S userfield03:S \
    userfield04:S userfield05:S userfield06:S userfield07:S userfield08:S userfield09:S \
    userfield10:S userfield11:S userfield12:S userfield13:S userfield14:S userfield15:S \
    userfield16:S userfield17:S userfield18:S userfield19:S userfield20:S \
    primaryAccountName:S convert_drive_user_folders:B";

const RESELLER_ADMIN: &str = "name:S passwordMech:S password:S parentId:I \
    restrictions:Restriction* displayname:S id:I capabilities:S* capabilitiesToAdd:S* \
    capabilitiesToRemove:S* capabilitiesToDrop:S* taxonomies:S* taxonomiesToAdd:S* \
    taxonomiesToRemove:S* configuration:SOAPStringMap configurationToAdd:SOAPStringMap \
    configurationToRemove:S*";

const RESELLER_CONTEXT: &str = "customid:S extensionError:S owner:ResellerAdmin \
    restriction:Restriction* sid:I!";

fn t(
    name: &'static str,
    ns: Ns,
    base: Option<&'static str>,
    spec: &'static str,
) -> Result<ComplexType, SchemaError> {
    Ok(ComplexType {
        name,
        ns,
        base,
        fields: fields(spec)?,
    })
}

/// All data object types.
pub fn all() -> Result<Vec<ComplexType>, SchemaError> {
    use Ns::*;
    Ok(vec![
        t("Credentials", DataRmi, None, "login:S password:S")?,
        t("Quota", DataRmi, None, "module:S limit:L")?,
        t("Context", DataSoap, None, CONTEXT)?,
        t("Database", DataSoap, None, DATABASE)?,
        t("Entry", DataSoap, None, "key:S value:S")?,
        t("Filestore", DataSoap, None, FILESTORE)?,
        t("Group", DataSoap, None, GROUP)?,
        t("Resource", DataSoap, None, RESOURCE)?,
        t("SOAPMapEntry", DataSoap, None, "key:S value:SOAPStringMap")?,
        t("SOAPStringMap", DataSoap, None, "entries:Entry*")?,
        t("SOAPStringMapMap", DataSoap, None, "entries:SOAPMapEntry*")?,
        t(
            "SchemaSelectStrategy",
            DataSoap,
            None,
            "schema_name:S strategy:S",
        )?,
        t("User", DataSoap, None, USER)?,
        t("UserModuleAccess", DataSoap, None, USER_MODULE_ACCESS)?,
        t("ResellerAdmin", ResellerRmiData, None, RESELLER_ADMIN)?,
        t("Restriction", ResellerRmiData, None, "name:S value:S id:I")?,
        t(
            "ResellerContext",
            ResellerSoapData,
            Some("Context"),
            RESELLER_CONTEXT,
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_has_all_fields_in_wsdl_order() {
        let u = fields(USER).unwrap();
        assert_eq!(u.len(), 133);
        assert_eq!(u[0].name, "aliases");
        assert!(u[0].many);
        let pos = |n: &str| u.iter().position(|f| f.name == n).unwrap();
        assert!(pos("drive_user_folder_mode") < pos("defaultSenderAddress"));
        assert!(pos("mail_folder_trash_name") < pos("mail_folder_archive_full_name"));
        assert_eq!(u.last().unwrap().name, "convert_drive_user_folders");
    }

    #[test]
    fn module_access_has_26_rights() {
        assert_eq!(fields(USER_MODULE_ACCESS).unwrap().len(), 26);
    }
}
