import TarnCore
import Testing

@testable import Server

/// The strict XML subset S3 request bodies use: what parses, and what must be refused as
/// `MalformedXML` (never trapping, never expanding entities).
@Suite struct XMLDocumentTests {
    func parse(_ text: String) throws -> XMLElement { try XMLDocument.parse(Array(text.utf8)) }

    func malformed(_ text: String) -> Bool {
        do {
            _ = try parse(text)
            return false
        } catch {
            return (error as? TarnError)?.code.rawValue == "MalformedXML"
        }
    }

    @Test func deleteObjectsBody() throws {
        let root = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <!-- a comment -->
              <Object><Key>a &amp; b</Key></Object>
              <Object><Key><![CDATA[<raw>]]></Key><VersionId>null</VersionId></Object>
              <Quiet>true</Quiet>
            </Delete>
            """)
        #expect(root.name == "Delete")
        #expect(root.children("Object").compactMap { $0.value("Key") } == ["a & b", "<raw>"])
        #expect(root.value("Quiet") == "true")
        #expect(root.child("Missing") == nil)
    }

    @Test func namespacePrefixesAndReferences() throws {
        let root = try parse("<s3:Tagging xmlns:s3='x'><s3:TagSet><s3:Tag><s3:Key>&#x4E2D;&#65;&lt;&gt;&quot;&apos;</s3:Key></s3:Tag></s3:TagSet></s3:Tagging>")
        #expect(root.name == "Tagging")
        #expect(root.child("TagSet")?.child("Tag")?.value("Key") == "中A<>\"'")
    }

    @Test func byteOrderMarkAndSelfClosing() throws {
        let root = try XMLDocument.parse([0xEF, 0xBB, 0xBF] + Array("<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>".utf8))
        #expect(root.value("LocationConstraint") == "")
    }

    @Test(arguments: [
        "",
        "not xml",
        "<Delete>",
        "<Delete></Other>",
        "<Delete><Object></Delete>",
        "<Delete/><Extra/>",
        "<!DOCTYPE x [<!ENTITY a 'b'>]><Delete>&a;</Delete>",
        "<Delete>&unknown;</Delete>",
        "<Delete>&#xFFFFFFFF;</Delete>",
        "<Delete>&amp</Delete>",
        "<Delete attr=unquoted/>",
        "<Delete attr='open/>",
        "<Delete><![CDATA[never closed</Delete>",
        "<Delete><!-- never closed </Delete>",
        "<Delete><!ELEMENT x ANY></Delete>",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(malformed(text))
    }

    @Test func depthIsBounded() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(malformed(deep))
        let shallow = String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20)
        #expect(!malformed(shallow))
    }
}
