//! `RemoteAdvertisementService.removeConfigurations(reseller, clean, includePreview)`.

use super::{Ads, AdsError, DEFAULT};
use crate::store::{Store, ads, resellers};

async fn active(c: &mut sqlx::AnyConnection, reseller: &str) -> Result<bool, sqlx::Error> {
    Ok(reseller == DEFAULT || resellers::by_name(c, reseller).await?.is_some())
}

/// Removes configurations as OX's `RemoteAdvertisementServiceImpl` does:
///
/// | reseller | clean | includePreview | deleted |
/// |---|---|---|---|
/// | none | no | – | everything |
/// | none | yes | no | configs and mappings of inactive resellers |
/// | none | yes | yes | also configs with no mapping (previews) |
/// | given | no | – | that reseller's configs and mappings |
/// | given | yes | – | all of it if inactive; if active only its unmapped configs, with includePreview |
///
/// Clears the whole cache.
pub async fn remove_configurations(
    store: &Store,
    cache: &Ads,
    reseller: Option<&str>,
    clean: bool,
    include_preview: bool,
) -> Result<(), AdsError> {
    let mut w = store.write().await?;
    let c = &mut *w.tx;
    match (reseller, clean) {
        (None, false) => ads::delete_reseller(c, None).await?,
        (None, true) => {
            for r in ads::resellers(c).await? {
                if !active(c, &r).await? {
                    ads::delete_reseller(c, Some(&r)).await?;
                }
            }
            if include_preview {
                ads::delete_unmapped(c, None).await?;
            }
        }
        (Some(r), false) => ads::delete_reseller(c, Some(r)).await?,
        (Some(r), true) => {
            if !active(c, r).await? {
                ads::delete_reseller(c, Some(r)).await?;
            } else if include_preview {
                ads::delete_unmapped(c, Some(r)).await?;
            }
        }
    }
    w.commit().await?;
    cache.clear_cache();
    Ok(())
}
