import Testing

@testable import Query

@Suite struct FileLocationTests {
    @Test func parsesObjectAndLocalLocations() throws {
        #expect(try FileLocation(parsing: "s3://lake/raw/sales/") == .object(bucket: "lake", key: "raw/sales/"))
        #expect(try FileLocation(parsing: "S3A://lake") == .object(bucket: "lake", key: ""))
        #expect(try FileLocation(parsing: " /tmp/x.csv ") == .local(path: "/tmp/x.csv"))
        #expect(try FileLocation(parsing: "file:///tmp/x") == .local(path: "/tmp/x"))
        #expect(throws: (any Error).self) { try FileLocation(parsing: "s3:///nobucket") }
        #expect(throws: (any Error).self) { try FileLocation(parsing: "http://example.com/x") }
        #expect(try FileLocation(parsing: "s3://b/k").appending("year=2024/").description == "s3://b/k/year=2024/")
    }

    @Test(arguments: [
        ("sales/year=2024/month=1/a.parquet", "sales/*/*/*.parquet", true),
        ("sales/year=2024/a.parquet", "sales/*/*/*.parquet", false),
        ("sales/year=2024/month=1/a.parquet", "sales/**/*.parquet", true),
        ("sales/a.parquet", "sales/**/*.parquet", true),
        ("sales/a.csv", "sales/**/*.parquet", false),
        ("data/part-001.json", "data/part-00[0-9].json", true),
        ("data/part-00a.json", "data/part-00[!a].json", false),
        ("data/x.json", "data/?.json", true),
    ])
    func globs(path: String, pattern: String, matches: Bool) {
        #expect(Glob.matches(path, pattern: pattern) == matches)
    }

    @Test func globPrefixIsTheLiteralDirectories() {
        #expect(Glob.literalPrefix("lake/sales/*/x.parquet") == "lake/sales/")
        #expect(Glob.literalPrefix("*.csv") == "")
        #expect(Glob.literalPrefix("/data/in*/a") == "/data/")
    }

    @Test func hiddenFilesFollowHive() {
        #expect(FileStore.isHidden("_SUCCESS"))
        #expect(FileStore.isHidden("year=2024/.part-0.crc"))
        #expect(FileStore.isHidden("_temporary/0/part-0"))
        #expect(FileStore.isHidden("dir/"))
        #expect(FileStore.isHidden("dir_$folder$"))
        #expect(!FileStore.isHidden("year=2024/part-0.parquet"))
    }

    @Test func scriptsSplitAtTopLevelSemicolons() {
        let script = """
            -- a comment; not a split
            CREATE DATABASE x;
            SELECT ';' AS "a;b" /* ; */ FROM t;

            ;
            SELECT 1
            """
        let statements = SQLScript.split(script)
        #expect(statements.count == 3)
        #expect(statements[1].contains("SELECT ';' AS \"a;b\" /* ; */ FROM t"))
        #expect(statements[2].trimmingWhitespace() == "SELECT 1")
    }

    @Test func hiveDelimiterEscapes() throws {
        #expect(try TextTableProperties.byte("\\t", "d") == 9)
        #expect(try TextTableProperties.byte("\\001", "d") == 1)
        #expect(try TextTableProperties.byte("\\u0001", "d") == 1)
        #expect(try TextTableProperties.byte("|", "d") == UInt8(ascii: "|"))
        #expect(throws: (any Error).self) { try TextTableProperties.byte("ab", "d") }
    }
}
