import Access
import Storage
import TarnCore

/// The `<Tagging><TagSet><Tag><Key/><Value/></Tag>…` document and S3's tag rules
/// (docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html): keys 1–128 characters,
/// values 0–256, unique keys, at most 10 tags per object (50 per bucket).
enum TagSetXML {
    static func parse(_ body: [UInt8], limit: Int) throws -> [Tag] {
        let document = try XMLDocument.parse(body)
        guard document.name == "Tagging", let set = document.child("TagSet") else {
            throw XMLDocument.malformed("expected Tagging/TagSet")
        }
        let tags = try set.children("Tag").map { element -> Tag in
            guard let key = element.value("Key") else { throw XMLDocument.malformed("Tag without Key") }
            return Tag(key: key, value: element.value("Value") ?? "")
        }
        try validate(tags, limit: limit)
        return tags
    }

    static func validate(_ tags: [Tag], limit: Int) throws {
        guard tags.count <= limit else { throw TarnError(.init("BadRequest"), "Object tags cannot be greater than \(limit)") }
        var seen = Set<String>()
        for tag in tags {
            guard (1...128).contains(tag.key.count) else { throw TarnError(.invalidTag, "The TagKey you have provided is invalid") }
            guard tag.value.count <= 256 else { throw TarnError(.invalidTag, "The TagValue you have provided is invalid") }
            guard seen.insert(tag.key).inserted else { throw TarnError(.invalidTag, "Cannot provide multiple Tags with the same key") }
        }
    }

    /// Parses the `x-amz-tagging` header (URL query encoding: `k1=v1&k2=v2`).
    static func parseHeader(_ header: String) throws -> [Tag] {
        let tags = QueryParameters(rawQuery: header).map { Tag(key: $0.name, value: $0.value) }
        try validate(tags, limit: 10)
        return tags
    }

    static func render(_ tags: [Tag]) -> XMLWriter {
        var writer = XMLWriter()
        writer.element("Tagging", namespace: true) { xml in
            xml.element("TagSet") { set in
                for tag in tags {
                    set.element("Tag") { entry in
                        entry.leaf("Key", tag.key)
                        entry.leaf("Value", tag.value)
                    }
                }
            }
        }
        return writer
    }
}
