//! placeholder
use anyhow::Result;
pub struct Assets;
pub fn run() -> Result<Assets> {
    Ok(Assets)
}
