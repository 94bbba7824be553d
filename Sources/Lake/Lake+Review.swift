import Conversion
import Cost
import Foundation
import Parquet
import Storage
import TarnCore

extension Lake {
    /// The most text read to measure what Parquet would save on a data set.
    static let parquetSampleBytes = 8 << 20

    /// `tarn review`: gathers a `ReviewSnapshot` from the live lake (object metadata, lifecycle
    /// configurations, incomplete uploads, and a Parquet conversion of one sample file per
    /// curated text data set) and runs the checks.
    public func review(asOf: Date? = nil, thresholds: ReviewThresholds = ReviewThresholds()) throws -> ReviewReport {
        let now = asOf ?? store.clock.now()
        var buckets: [BucketFacts] = []
        var datasets = DatasetIndex()
        for bucket in try store.buckets() {
            var facts = BucketFacts(name: bucket.name, lifecycle: try store.lifecycleConfiguration(bucket: bucket.name))
            var after: String? = nil
            while true {
                let page = try store.list(bucket: bucket.name, after: after, maxKeys: 1000)
                for object in page.objects {
                    facts.add(object, asOf: now, agedDays: thresholds.agedDays)
                    datasets.add(bucket: bucket.name, key: object.key, size: object.size)
                }
                guard page.isTruncated, let next = page.nextMarker else { break }
                after = next
            }
            for upload in try store.index.uploads(bucket: bucket.name, prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: Int.max) {
                let bytes = try store.index.parts(uploadID: upload.uploadID).reduce(0) { $0 + $1.size }
                facts.add(StaleUpload(key: upload.key, uploadID: upload.uploadID, initiated: upload.initiated, bytes: bytes))
            }
            buckets.append(facts)
        }
        for layout in datasets.sorted {
            let zone = LakeZone.of(bucket: layout.bucket, key: layout.location)
            guard !thresholds.sourceZones.contains(zone), layout.textBytes >= thresholds.textFormatBytes, let sample = layout.largestTextFile else { continue }
            if let ratio = try? measureParquetRatio(bucket: layout.bucket, key: sample.key) {
                datasets.setMeasuredRatio(bucket: layout.bucket, location: layout.location, ratio)
            }
        }
        let reviewer = Reviewer(prices: configuration.prices, thresholds: thresholds)
        return reviewer.review(ReviewSnapshot(asOf: now, buckets: buckets, datasets: datasets.sorted))
    }

    /// Converts (up to `parquetSampleBytes` of) a CSV/JSON object to Parquet in memory and
    /// returns Parquet bytes per input byte.
    func measureParquetRatio(bucket: String, key: String) throws -> Double {
        guard let (format, gzip) = TextFormat.detect(fileName: key) else { throw TarnError(.invalidArgument, "\(key) is not CSV or JSON") }
        let reader = try store.open(bucket: bucket, key: key)
        var length = Int(min(reader.info.size, Int64(Self.parquetSampleBytes)))
        var bytes = try reader.read(0..<Int64(length))
        // A cut sample ends at its last complete line (gzip samples are read whole or not at all).
        if Int64(length) < reader.info.size {
            guard !gzip, let lastNewline = bytes.lastIndex(of: 0x0A) else { throw TarnError(.unsupported, "sample of \(key) cannot be cut") }
            length = lastNewline + 1
            bytes.removeLast(bytes.count - length)
        }
        let converter = TextToParquet(format: format, schema: nil, gzip: gzip, sink: MemorySink(), onReject: { _ in })
        try converter.push(bytes)
        let (_, sink) = try converter.finish()
        guard length > 0 else { throw TarnError(.invalidArgument, "empty sample") }
        return Double(sink.bytes.count) / Double(length)
    }
}
