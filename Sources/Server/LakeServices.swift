import Access
import Lake

extension TarnServer {
    /// The AWS JSON-protocol services a lake serves beside S3 (and the IAM/STS Query protocol):
    /// Kinesis, Firehose, KMS and TarnAdmin, each authorizing its own requests. The one list
    /// `tarn server`, `tarn demo` and the embedded `tarn streams` / `tarn firehose` client use,
    /// so a service added here is served (and authorized) the same way everywhere.
    /// ```swift
    /// let server = TarnServer(lake: lake, configuration: configuration, services: TarnServer.jsonServices(for: lake))
    /// ```
    public static func jsonServices(for lake: Lake) -> [any AWSJSONService] {
        [
            KinesisService(streams: lake.streams, authorizer: lake.authorizer),
            FirehoseService(delivery: lake.firehose, streams: lake.streams, authorizer: lake.authorizer),
            KMSService(lake: lake),
            TarnAdminService(lake: lake),
        ]
    }
}
