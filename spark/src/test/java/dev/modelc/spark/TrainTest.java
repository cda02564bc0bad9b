package dev.modelc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit command, run in this JVM with {@code --master local[2]}: it trains from a CSV
 * table and a Parquet one, writes the local trainer's checkpoints and resumes from them, and
 * refuses bad arguments with exit status 1 and one line saying why.
 */
class TrainTest {
    record Run(int code, String out, String err) {
    }

    static Run train(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Train.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final String MODEL = LocalSpark.sample("crop-yield/crop_yield.model").toString();
    static final String CSV = LocalSpark.sample("crop-yield/crop_yield.csv").toString();

    @Test
    void trainsCropYieldFromCsvAndResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        Path save = dir.resolve("crop.npz");
        Run first = train(MODEL, "--model", "CropYieldLinear", "--master", "local[2]", "--data", "x=csv:" + CSV + ":temp,rainfall,humidity",
                "--data", "y=csv:" + CSV + ":apples,oranges", "--epochs", "2", "--save", save.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("training CropYieldLinear on Spark (local[2], 1 partition)\nEpoch 1/2: loss "), first.out());
        assertTrue(first.out().endsWith("params saved to " + save + "\n"), first.out());
        assertEquals(new Position(2, 0), Checkpoint.read(save).position());

        Run rest = train(MODEL, "--model", "CropYieldLinear", "--master", "local[2]", "--data", "x=csv:" + CSV + ":temp,rainfall,humidity",
                "--data", "y=csv:" + CSV + ":apples,oranges", "--epochs", "1", "--resume", save.toString(), "--save", save.toString());
        assertEquals(0, rest.code(), rest.err());
        assertEquals(new Position(3, 0), Checkpoint.read(save).position());
    }

    @Test
    void trainsFromParquetWithOneColumnPerInput(@TempDir Path dir) {
        Path table = dir.resolve("crop.parquet");
        SparkSession s = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
        s.read().option("header", "true").option("inferSchema", "true").csv(CSV)
                .selectExpr("array(temp, rainfall, humidity) AS x", "array(apples, oranges) AS y").write().parquet(table.toString());
        Run r = train(MODEL, "--model", "CropYieldLinear", "--master", "local[2]", "--data", "x=parquet:" + table, "--data", "y=parquet:" + table,
                "--epochs", "1", "--dtype", "f64", "--optimizer", "adam", "--lr", "0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("params not saved (add --save PARAMS.npz to keep them)\n"), r.out());
    }

    @Test
    void badArgumentsAndDataExitWithOne() {
        Run noFormat = train(MODEL, "--data", "x=" + CSV + ":temp");
        assertEquals(1, noFormat.code());
        assertTrue(noFormat.err().startsWith("modelc-spark: --data x=" + CSV + ":temp: it names no format: the value starts with one "
                + "of parquet, orc, json, csv, then ':' (NAME=FORMAT:PATH[:COL1,COL2,...], FORMAT one of parquet, orc, json, csv)\n"),
                noFormat.err());

        Run twoTables = train(MODEL, "--model", "CropYieldLinear", "--master", "local[1]", "--data", "x=csv:" + CSV + ":temp,rainfall,humidity",
                "--data", "y=csv:other.csv:apples,oranges");
        assertEquals(1, twoTables.code());
        assertEquals("modelc-spark: --data y reads csv:other.csv, but --data x reads csv:" + CSV
                + "; training on Spark reads every input from one table, a row's inputs in one row\n", twoTables.err());

        Run missing = train(MODEL, "--model", "CropYieldLinear", "--master", "local[1]", "--data", "x=csv:" + CSV + ":temp,rainfall,humidity",
                "--data", "y=csv:" + CSV + ":apples,pears");
        assertEquals(1, missing.code());
        assertEquals("modelc-spark: input 'y' of CropYieldLinear reads column 'pears', which the data does not have; its columns are "
                + "[temp, rainfall, humidity, apples, oranges]\n", missing.err());

        Run severalModels = train(MODEL, "--data", "x=csv:" + CSV + ":temp,rainfall,humidity");
        assertEquals(1, severalModels.code());
        assertEquals("modelc-spark: " + MODEL + " has 3 models [CropYield, CropYieldManual, CropYieldLinear]; name one with --model\n",
                severalModels.err());
    }
}
