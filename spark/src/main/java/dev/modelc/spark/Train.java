package dev.modelc.spark;

import dev.modelc.api.CompilationException;
import dev.modelc.api.Driver;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class dev.modelc.spark.Train modelc-spark.jar FILE --data NAME=FORMAT:PATH[:COLS] ...}:
 * trains a model on Spark with the flags of {@code modelc train} that make sense there, writing
 * and resuming the same {@code .npz} checkpoints. Exit status 0 when training ran to the end, 1
 * on a mistake in the file, the data, a checkpoint or the command line, or when training diverges.
 */
public final class Train {
    static final int OK = 0;
    static final int USER_ERROR = 1;

    private Train() {
    }

    static final String USAGE = """
            Usage: dev.modelc.spark.Train FILE [--model NAME] --data NAME=FORMAT:PATH[:COL1,COL2,...]...
                   [--epochs E] [--batch B] [--lr LR] [--optimizer sgd|adam|adamw] [--schedule SCHEDULE]
                   [--clip-grad-norm C] [--shuffle | --no-shuffle] [--seed S] [--dtype f32|f64]
                   [--save PARAMS.npz] [--resume PARAMS.npz] [--allow-non-finite] [--tree-depth D] [--master URL]
            Trains a model of FILE on Spark: each step's batch is split across the data's partitions, their
            gradients summed with treeAggregate, the optimizer stepped on the driver. FORMAT is parquet, orc,
            json or csv (with a header); every --data names the same table (a row holds all of a row's inputs).
            Settings not given are the model's train block's, as for `modelc train`. --master defaults to
            spark-submit's, else local[*].""";

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK) System.exit(code);
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (SparkTrainingException e) {
            err.println("modelc-spark: " + e.getMessage());
            err.println(USAGE);
            return USER_ERROR;
        }
        if (a.help) {
            out.println(USAGE);
            return OK;
        }
        SparkSession session = null;
        try {
            SparkModel model = a.model();
            SparkSettings settings = a.settings();
            SparkSession.Builder builder = SparkSession.builder().appName("modelc train " + model.modelName());
            if (a.master != null) builder.master(a.master);
            else if (!sparkSubmitted()) builder.master("local[*]");
            session = builder.getOrCreate();
            Dataset<Row> data = a.read(session);
            out.println("training " + model.modelName() + " on Spark (" + session.sparkContext().master() + ", "
                    + data.rdd().getNumPartitions() + (data.rdd().getNumPartitions() == 1 ? " partition" : " partitions") + ")");
            Trainer.Result r = SparkTrainer.fit(model, data, settings, new TrainingListener() {
                @Override
                public void epoch(int epoch, int epochs, double loss) {
                    // As modelc train prints without a progress bar: every epoch up to 20, else every ceil(E/10)-th and the last.
                    int every = epochs <= 20 ? 1 : (epochs + 9) / 10;
                    if (epoch % every != 0 && epoch != epochs) return;
                    out.println("Epoch " + epoch + "/" + epochs + ": loss " + String.format(Locale.ROOT, "%.4f", loss));
                }
            }, () -> false);
            switch (r.ending()) {
                case Trainer.Ending.Diverged d -> {
                    err.println("modelc-spark: training diverged: " + d.describe()
                            + r.saved().map(p -> "; " + a.save + " holds the params after " + p.describe()).orElse("")
                            + "; a smaller --lr may help (or --allow-non-finite to go on regardless)");
                    return USER_ERROR;
                }
                case Trainer.Ending.Stopped s -> {
                }
                case Trainer.Ending.Completed c -> {
                }
            }
            out.println("trained " + model.modelName() + " for " + r.epochLosses().size() + (r.epochLosses().size() == 1 ? " epoch" : " epochs")
                    + " in " + r.time().toMillis() / 1000.0 + " s; final loss " + String.format(Locale.ROOT, "%.4f", r.finalLoss()));
            out.println(a.save == null ? "params not saved (add --save PARAMS.npz to keep them)" : "params saved to " + a.save);
            return OK;
        } catch (SparkTrainingException e) {
            err.println("modelc-spark: " + e.getMessage());
            return USER_ERROR;
        } catch (CompilationException e) {
            err.print(e.getMessage());
            return USER_ERROR;
        } catch (IOException e) {
            err.println("modelc-spark: " + (e instanceof NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage()));
            return USER_ERROR;
        } finally {
            if (session != null) session.stop();
        }
    }

    /** Whether spark-submit started this JVM (it sets spark.master as a system property). */
    private static boolean sparkSubmitted() {
        return System.getProperty("spark.master") != null;
    }

    /** The command line, parsed; each refusal names the flag. */
    static final class Arguments {
        Path file;
        String modelName;
        final List<DataSource> data = new ArrayList<>();
        Integer epochs;
        Integer batch;
        Double lr;
        String optimizer;
        TrainConfig.Schedule schedule;
        boolean scheduleNone;
        Double clipGradNorm;
        Boolean shuffle;
        Long seed;
        DType dtype;
        Path save;
        Path resume;
        boolean allowNonFinite;
        int treeDepth = 2;
        String master;
        boolean help;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String flag = arg, inline = null;
                if (arg.startsWith("--") && arg.contains("=") && !arg.startsWith("--data")) {
                    flag = arg.substring(0, arg.indexOf('='));
                    inline = arg.substring(arg.indexOf('=') + 1);
                }
                switch (flag) {
                    case "-h", "--help" -> a.help = true;
                    case "--shuffle" -> a.shuffle = true;
                    case "--no-shuffle" -> a.shuffle = false;
                    case "--allow-non-finite" -> a.allowNonFinite = true;
                    case "--model", "--data", "--epochs", "--batch", "--lr", "--optimizer", "--schedule", "--clip-grad-norm", "--seed",
                         "--dtype", "--save", "--resume", "--tree-depth", "--master" -> {
                        String value = inline;
                        if (value == null) {
                            if (i + 1 >= args.length) throw new SparkTrainingException(flag + " needs a value");
                            value = args[++i];
                        }
                        a.set(flag, value);
                    }
                    default -> {
                        if (arg.startsWith("-")) throw new SparkTrainingException("unknown option " + arg);
                        if (a.file != null) throw new SparkTrainingException("one FILE only; found " + a.file + " and " + arg);
                        a.file = Path.of(arg);
                    }
                }
            }
            if (a.help) return a;
            if (a.file == null) throw new SparkTrainingException("no FILE given");
            if (a.data.isEmpty()) throw new SparkTrainingException("no --data given");
            return a;
        }

        private void set(String flag, String v) {
            try {
                switch (flag) {
                    case "--model" -> modelName = v;
                    case "--data" -> data.add(DataSource.parse(v));
                    case "--epochs" -> epochs = atLeast(flag, Integer.parseInt(v), 0);
                    case "--batch" -> batch = atLeast(flag, Integer.parseInt(v), 1);
                    case "--lr" -> {
                        lr = Double.parseDouble(v);
                        if (!(lr > 0 && Double.isFinite(lr))) throw new SparkTrainingException("--lr must be positive, found " + v);
                    }
                    case "--optimizer" -> {
                        if (!List.of("sgd", "adam", "adamw").contains(v)) {
                            throw new SparkTrainingException("unknown optimizer '" + v + "' for --optimizer: it is sgd, adam or adamw");
                        }
                        optimizer = v;
                    }
                    case "--schedule" -> {
                        if (v.strip().equals("none")) scheduleNone = true;
                        else schedule = Driver.schedule(v);
                    }
                    case "--clip-grad-norm" -> {
                        clipGradNorm = Double.parseDouble(v);
                        if (!(clipGradNorm > 0)) throw new SparkTrainingException("--clip-grad-norm must be positive, found " + v);
                    }
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--dtype" -> dtype = switch (v) {
                        case "f32" -> DType.F32;
                        case "f64" -> DType.F64;
                        default -> throw new SparkTrainingException("unknown dtype '" + v + "' for --dtype: it is f32 or f64");
                    };
                    case "--save" -> save = Path.of(v);
                    case "--resume" -> resume = Path.of(v);
                    case "--tree-depth" -> treeDepth = atLeast(flag, Integer.parseInt(v), 1);
                    case "--master" -> master = v;
                    default -> throw new IllegalStateException("no flag " + flag);
                }
            } catch (NumberFormatException e) {
                throw new SparkTrainingException(flag + " needs a number, found '" + v + "'");
            } catch (IllegalArgumentException e) {
                throw new SparkTrainingException(flag + " " + v + ": " + e.getMessage());
            }
        }

        private static int atLeast(String flag, int v, int min) {
            if (v < min) throw new SparkTrainingException(flag + " must be at least " + min + ", found " + v);
            return v;
        }

        SparkModel model() throws IOException {
            if (!Files.isRegularFile(file)) throw new SparkTrainingException("no such file: " + file);
            String source = Files.readString(file);
            String name = modelName;
            if (name == null) {
                List<String> names = dev.modelc.api.Modelc.compile(file.toString(), source).modelNames();
                if (names.size() != 1) throw new SparkTrainingException(file + " has " + names.size() + " models " + names + "; name one with --model");
                name = names.getFirst();
            }
            return new SparkModel(file.toString(), source, name, dtype);
        }

        SparkSettings settings() {
            SparkSettings s = SparkSettings.DEFAULTS.treeDepth(treeDepth).allowNonFinite(allowNonFinite);
            for (DataSource d : data) s = s.columns(d.input(), d.columns());
            if (epochs != null) s = s.epochs(epochs);
            if (batch != null) s = s.batch(batch);
            if (shuffle != null) s = s.shuffle(shuffle);
            if (seed != null) s = s.seed(seed);
            if (optimizer != null) {
                s = s.optimizer(switch (optimizer) {
                    case "adam" -> TrainConfig.Optimizer.Adam.DEFAULT;
                    case "adamw" -> TrainConfig.Optimizer.AdamW.DEFAULT;
                    default -> TrainConfig.Optimizer.Sgd.DEFAULT;
                });
            }
            if (lr != null) s = s.lr(lr);
            if (schedule != null) s = s.schedule(schedule);
            if (clipGradNorm != null) s = s.clipGradNorm(OptionalDouble.of(clipGradNorm));
            if (save != null) s = s.checkpoint(save);
            if (resume != null) s = s.resume(resume);
            return s;
        }

        /** The one table every --data reads. */
        Dataset<Row> read(SparkSession session) {
            DataSource first = data.getFirst();
            for (DataSource d : data) {
                if (!d.format().equals(first.format()) || !d.path().equals(first.path())) {
                    throw new SparkTrainingException("--data " + d.input() + " reads " + d.format() + ":" + d.path() + ", but --data "
                            + first.input() + " reads " + first.format() + ":" + first.path()
                            + "; training on Spark reads every input from one table, a row's inputs in one row");
                }
            }
            var reader = session.read();
            if (first.format().equals("csv")) reader = reader.option("header", "true").option("inferSchema", "true");
            try {
                return reader.format(first.format()).load(first.path());
            } catch (Exception e) {
                // Spark's Scala code throws AnalysisException (a missing path, a bad file) undeclared.
                if (!(e instanceof AnalysisException)) throw e;
                throw new SparkTrainingException("--data " + first.input() + ": cannot read " + first.format() + ":" + first.path() + ": "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
    }
}
