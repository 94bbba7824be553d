/// Token buckets for one shard's write rate: `ProvisionedThroughputExceededException` when a
/// producer writes faster than the configured records or bytes per second.
/// (AWS: "Each shard can support writes up to 1,000 records per second, up to a maximum data
/// write total of 1 MiB per second" — docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html.)
/// A value type driven by explicit timestamps, so it is tested without sleeping.
struct ThroughputLimiter: Sendable {
    let recordsPerSecond: Int?
    let bytesPerSecond: Int?
    private var recordTokens: Double
    private var byteTokens: Double
    private var last: Int64

    init(recordsPerSecond: Int?, bytesPerSecond: Int?, now: Int64) {
        self.recordsPerSecond = recordsPerSecond
        self.bytesPerSecond = bytesPerSecond
        recordTokens = Double(recordsPerSecond ?? 0)
        byteTokens = Double(bytesPerSecond ?? 0)
        last = now
    }

    /// Whether any limit is configured.
    var isLimited: Bool { recordsPerSecond != nil || bytesPerSecond != nil }

    /// Takes capacity for one record of `bytes` at `now` (epoch ms); false when over the limit.
    mutating func admit(bytes: Int, now: Int64) -> Bool {
        if now > last {
            let seconds = Double(now - last) / 1000
            if let recordsPerSecond { recordTokens = min(Double(recordsPerSecond), recordTokens + seconds * Double(recordsPerSecond)) }
            if let bytesPerSecond { byteTokens = min(Double(bytesPerSecond), byteTokens + seconds * Double(bytesPerSecond)) }
            last = now
        }
        if recordsPerSecond != nil && recordTokens < 1 { return false }
        if bytesPerSecond != nil && byteTokens < Double(bytes) { return false }
        if recordsPerSecond != nil { recordTokens -= 1 }
        if bytesPerSecond != nil { byteTokens -= Double(bytes) }
        return true
    }
}
