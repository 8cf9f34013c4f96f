//! A service of the model that this version does not provide yet: every call gets a clear 501.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;

use super::{ApsService, Call, Reply};

/// Answers 501 for every operation.
pub struct Unimplemented {
    name: &'static str,
    type_def: TypeDef,
}

impl Unimplemented {
    /// A placeholder for the service `name`.
    pub fn new(name: &'static str) -> Self {
        Unimplemented {
            name,
            type_def: TypeDef::new(name, &crate::types::type_id(name)),
        }
    }

    fn error(&self) -> ApsError {
        ApsError::not_implemented(format!(
            "The service '{}' is not implemented by this version of oxaps.",
            self.name
        ))
    }
}

#[async_trait]
impl ApsService for Unimplemented {
    fn name(&self) -> &'static str {
        self.name
    }
    fn type_def(&self) -> &TypeDef {
        &self.type_def
    }
    async fn provision(&self, _: &Call, _: Resource) -> Result<Reply, ApsError> {
        Err(self.error())
    }
    async fn retrieve(&self, _: &Call, _: &str) -> Result<Reply, ApsError> {
        Err(self.error())
    }
    async fn configure(&self, _: &Call, _: &str, _: Resource) -> Result<Reply, ApsError> {
        Err(self.error())
    }
    async fn unprovision(&self, _: &Call, _: &str) -> Result<Reply, ApsError> {
        Err(self.error())
    }
    async fn link(
        &self,
        _: &Call,
        _: &str,
        _: &str,
        _: serde_json::Value,
    ) -> Result<Reply, ApsError> {
        Err(self.error())
    }
    async fn unlink(&self, _: &Call, _: &str, _: &str, _: &str) -> Result<Reply, ApsError> {
        Err(self.error())
    }
}
