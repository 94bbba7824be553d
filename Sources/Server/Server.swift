/// # Server
///
/// The one HTTP endpoint that serves every Tarn API (S3 REST with XML, and the AWS JSON 1.1
/// targets), built on Hummingbird. Requests are authenticated by `Access`, then dispatched:
///
/// ```
///  request ─▶ TarnResponder ─▶ authenticate (SigV4 header / presigned / SigV2)
///                 ├─ X-Amz-Target: Service.Operation ─▶ JSON 1.1 handlers
///                 └─ otherwise ─▶ S3 router (bucket/key from path or virtual host) ─▶ Storage
/// ```
public enum ServerModule {}
