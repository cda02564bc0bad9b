package dev.modelc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    // The first rows of the tutorial's crop-yield data, with a text column that is never read.
    static final String YIELDS = """
            region,temp,rainfall,humidity,apples,oranges
            north,73,67,43,56,70
            south,91,88,64,81,101
            east,87,134,58,119,133
            west,102,43,37,22,37
            """;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsSelectedColumnsInTheOrderAsked() throws Exception {
        CsvSource csv = new CsvSource(write("yields.csv", YIELDS));
        assertEquals(List.of("region", "temp", "rainfall", "humidity", "apples", "oranges"), csv.header());

        Tensor x = csv.read(DType.F32, "temp", "rainfall", "humidity");
        assertEquals(DType.F32, x.dtype());
        assertArrayEquals(new int[] {4, 3}, x.shape());
        assertArrayEquals(new double[] {73, 67, 43, 91, 88, 64, 87, 134, 58, 102, 43, 37}, x.toDoubleArray());

        Tensor reversed = csv.read(DType.F64, List.of("oranges", "apples"));
        assertEquals(DType.F64, reversed.dtype());
        assertArrayEquals(new double[] {70, 56, 101, 81, 133, 119, 37, 22}, reversed.toDoubleArray());
    }

    @Test
    void readsGroupsForADatasetInOnePass() throws Exception {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put("x", List.of("temp", "rainfall", "humidity"));
        groups.put("y", List.of("apples", "oranges"));
        Map<String, Tensor> data = new CsvSource(write("yields.csv", YIELDS)).readGroups(DType.F32, groups);
        assertEquals(List.of("x", "y"), List.copyOf(data.keySet()));
        assertArrayEquals(new int[] {4, 3}, data.get("x").shape());
        assertArrayEquals(new int[] {4, 2}, data.get("y").shape());
        assertArrayEquals(new double[] {56, 70, 81, 101, 119, 133, 22, 37}, data.get("y").toDoubleArray());
        assertEquals(4, new TensorDataset(data).size());
    }

    @Test
    void parsesDecimalsCorrectlyRoundedPerDtype() throws Exception {
        Path file = write("decimals.csv", "a,b\n0.1,-1.5e-3\n .5 ,+2E2\n3.,1e+1\n");
        Tensor f64 = new CsvSource(file).read(DType.F64, "a", "b");
        assertArrayEquals(new double[] {0.1, -1.5e-3, 0.5, 200, 3, 10}, f64.toDoubleArray());
        Tensor f32 = new CsvSource(file).read(DType.F32, "a", "b");
        assertEquals(0.1f, (float) f32.getDouble(0));
        assertEquals(-1.5e-3f, (float) f32.getDouble(1));
    }

    @Test
    void acceptsNanAndInfinity() throws Exception {
        Tensor t = new CsvSource(write("special.csv", "v\nnan\nNaN\ninf\n-Infinity\n+inf\n")).read(DType.F64, "v");
        double[] v = t.toDoubleArray();
        assertTrue(Double.isNaN(v[0]) && Double.isNaN(v[1]));
        assertEquals(Double.POSITIVE_INFINITY, v[2]);
        assertEquals(Double.NEGATIVE_INFINITY, v[3]);
        assertEquals(Double.POSITIVE_INFINITY, v[4]);
    }

    @Test
    void handlesQuotesCrlfByteOrderMarkAndBlankLines() throws Exception {
        Path file = write("quoted.csv", "\uFEFF\"name\",\"x, y\",z\r\n\"a, \"\"quoted\"\" name\",\"1\",2\r\n\r\nb,3,4\r\n\n");
        CsvSource csv = new CsvSource(file);
        assertEquals(List.of("name", "x, y", "z"), csv.header());
        Tensor t = csv.read(DType.F64, "x, y", "z");
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.toDoubleArray());
    }

    @Test
    void aHeaderWithoutDataGivesZeroRows() throws Exception {
        Tensor t = new CsvSource(write("empty-data.csv", "a,b\n")).read(DType.F32, "b");
        assertArrayEquals(new int[] {0, 1}, t.shape());
    }

    @Test
    void nonNumericCellIsReportedAtItsSpreadsheetRowAndColumn() throws Exception {
        Path file = write("bad.csv", "temp,rainfall\n73,67\n91,lots\n");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F32, "temp", "rainfall"));
        assertEquals(file, e.file());
        assertEquals(3, e.row());
        assertEquals(2, e.column());
        assertEquals(file + ": row 3, column 2: cell of column \"rainfall\" is \"lots\", not a number", e.getMessage());
    }

    @Test
    void positionsCountBlankLinesAndMultiLineCellsAsASpreadsheetDoes() throws Exception {
        // Row 2 has a cell spanning two lines, row 3 is blank, row 4 holds the bad cell.
        Path file = write("rows.csv", "note,v\n\"two\nlines\",1\n\nthree,x\n");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F64, "v"));
        assertEquals(4, e.row());
        assertEquals(2, e.column());
    }

    @Test
    void emptyCellIsAnError() throws Exception {
        Path file = write("hole.csv", "a,b,c\n1,,3\n");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F64, "a", "b", "c"));
        assertEquals(2, e.row());
        assertEquals(2, e.column());
        assertTrue(e.getMessage().endsWith("cell of column \"b\" is empty"), e.getMessage());
    }

    @Test
    void javaOnlyNumberSpellingsAreRejected() throws Exception {
        for (String cell : List.of("1f", "2d", "0x10", "1_000", "Infinityy", "--1", "1e")) {
            Path file = write("spelling.csv", "a\n" + cell + "\n");
            DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F64, "a"), cell);
            assertEquals(2, e.row(), cell);
        }
    }

    @Test
    void unknownColumnNamesTheHeaderAndSuggestsACloseMatch() throws Exception {
        Path file = write("yields.csv", YIELDS);
        DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F32, "Temp"));
        assertEquals(1, e.row());
        assertEquals("no column named \"Temp\" (did you mean \"temp\"?); the header has \"region\", \"temp\", \"rainfall\", "
                + "\"humidity\", \"apples\", \"oranges\"", e.detail());

        DataException far = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F32, "pears"));
        assertTrue(far.detail().startsWith("no column named \"pears\"; the header has"), far.detail());
    }

    @Test
    void raggedRowsAreErrors() throws Exception {
        Path shortRow = write("short.csv", "a,b,c\n1,2,3\n4,5\n");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(shortRow).read(DType.F64, "a"));
        assertEquals(3, e.row());
        assertEquals(3, e.column());
        assertEquals("this row has 2 cells but the header has 3 cells", e.detail());

        Path longRow = write("long.csv", "a,b\n1,2,3\n");
        DataException l = assertThrows(DataException.class, () -> new CsvSource(longRow).read(DType.F64, "a"));
        assertEquals(2, l.row());
        assertEquals(3, l.column());
        assertEquals("this row has 3 cells but the header has 2 cells", l.detail());
    }

    @Test
    void ambiguousColumnIsAnError() throws Exception {
        Path file = write("dup.csv", "a,b,a\n1,2,3\n");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(file).read(DType.F64, "a"));
        assertEquals(1, e.row());
        assertEquals(3, e.column());
        assertTrue(e.detail().contains("columns 1 and 3"), e.detail());
        // A duplicated name that is not selected is harmless.
        assertArrayEquals(new double[] {2}, new CsvSource(file).read(DType.F64, "b").toDoubleArray());
    }

    @Test
    void fileProblemsAreDataExceptions() throws Exception {
        Path missing = dir.resolve("missing.csv");
        DataException none = assertThrows(DataException.class, () -> new CsvSource(missing).read(DType.F64, "a"));
        assertEquals(missing + ": no such file", none.getMessage());

        Path empty = write("empty.csv", "");
        DataException e = assertThrows(DataException.class, () -> new CsvSource(empty).header());
        assertTrue(e.detail().startsWith("the file is empty"), e.detail());

        Path unclosed = write("unclosed.csv", "a,b\n1,2\n\"3,4\n");
        DataException u = assertThrows(DataException.class, () -> new CsvSource(unclosed).read(DType.F64, "a"));
        assertEquals(3, u.row());
        assertTrue(u.detail().startsWith("malformed CSV"), u.detail());

        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'a', '\n', (byte) 0xE9, '\n'});
        DataException l = assertThrows(DataException.class, () -> new CsvSource(latin1).read(DType.F64, "a"));
        assertEquals("not UTF-8 text", l.detail());
    }

    @Test
    void onlyFloatingDtypesAndSomeColumnsAreAccepted() throws Exception {
        CsvSource csv = new CsvSource(write("yields.csv", YIELDS));
        assertThrows(IllegalArgumentException.class, () -> csv.read(DType.I32, "temp"));
        assertThrows(IllegalArgumentException.class, () -> csv.read(DType.F32));
    }
}
