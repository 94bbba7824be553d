import TarnCore
import Testing

@testable import Storage

/// The segment list column (`blob:size,blob:size`), decoded on every GET.
@Suite struct SegmentListTests {
    @Test func roundTrips() throws {
        let segments = (0..<3).map { Segment(blob: BlobID.random(), size: Int64($0) * 5_242_880 + 17) }
        let text = MetadataIndex.encode(segments)
        #expect(try MetadataIndex.decodeSegments(text).map(\.blob) == segments.map(\.blob))
        #expect(try MetadataIndex.decodeSegments(text).map(\.size) == segments.map(\.size))
        #expect(try MetadataIndex.decodeSegments("").isEmpty)
    }

    @Test(arguments: [
        "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef:x", "0123456789ABCDEF0123456789ABCDEF:4",
        "0123456789abcdef0123456789abcdef:4:5", "short:4", "0123456789abcdef0123456789abcdef:4,zz",
    ])
    func refusesDamagedLists(_ text: String) {
        #expect { try MetadataIndex.decodeSegments(text) } throws: { ($0 as? TarnError)?.code == .corrupt }
    }
}
