//! TEMPORARY compile shim until the simulator lands (will be overwritten).
#[derive(Clone, Default)]
pub struct SimulatorConfig {
    pub customer_id: String,
    pub client_id: String,
    pub client_secret: String,
}
pub struct RunningSimulator;
impl RunningSimulator {
    pub fn base_url(&self) -> String {
        String::new()
    }
    pub async fn shutdown(self) {}
}
pub async fn spawn(
    _c: SimulatorConfig,
    _a: std::net::SocketAddr,
) -> std::io::Result<RunningSimulator> {
    Ok(RunningSimulator)
}
