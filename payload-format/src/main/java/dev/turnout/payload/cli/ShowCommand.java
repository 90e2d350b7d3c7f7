package dev.turnout.payload.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.turnout.payload.PayloadFile;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallInfo;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import dev.turnout.payload.proto.UpdateMetadata.InstallProcedure;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "show", description = "Describe a payload: header, operations, procedures,"
    + " signatures, sizes and hashes. Reads structure only; use verify to check it.")
final class ShowCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Parameters(index = "0")
  Path payload;

  @Override
  public Integer call() throws Exception {
    PayloadFile f = PayloadFile.read(payload);
    Map<String, Object> doc = describe(f);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(doc));
    } else {
      text(f, doc, out);
    }
    return 0;
  }

  private Map<String, Object> describe(PayloadFile f) throws Exception {
    DeltaArchiveManifest m = f.manifest();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("file", f.path().toString());
    doc.put("file_size", f.fileSize());
    doc.put("sha256_base64", sha256(f.path()));
    doc.put("format_version", 1);
    doc.put("manifest_size", f.manifestSize());
    doc.put("metadata_size", f.metadataSize());
    doc.put("block_size", m.getBlockSize());
    doc.put("new_partition_info", info(m.getNewPartitionInfo()));
    doc.put("partition_operations", ops(m.getPartitionOperationsList()));
    List<Map<String, Object>> procs = new ArrayList<>();
    for (InstallProcedure p : m.getProceduresList()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("type", p.hasType() ? p.getType().name() : "UNKNOWN");
      pm.put("new_info", info(p.getNewInfo()));
      pm.put("operations", ops(p.getOperationsList()));
      procs.add(pm);
    }
    doc.put("procedures", procs);
    doc.put("noop_operations", m.getNoopOperationsCount());
    Map<String, Object> sig = new LinkedHashMap<>();
    sig.put("offset", m.hasSignaturesOffset() ? m.getSignaturesOffset() : null);
    sig.put("size", m.hasSignaturesSize() ? m.getSignaturesSize() : null);
    List<Map<String, Object>> entries = new ArrayList<>();
    if (f.signatures() != null) {
      for (var s : f.signatures().getSignaturesList()) {
        entries.add(Map.of("version", s.getVersion(), "size", s.getData().size()));
      }
    }
    sig.put("entries", entries);
    doc.put("signatures", sig);
    return doc;
  }

  private static Map<String, Object> info(InstallInfo i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", i.getSize());
    m.put("sha256", HexFormat.of().formatHex(i.getHash().toByteArray()));
    return m;
  }

  private static List<Map<String, Object>> ops(List<InstallOperation> ops) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (InstallOperation op : ops) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", op.hasType() ? op.getType().name() : "UNKNOWN");
      m.put("data_offset", Integer.toUnsignedLong(op.getDataOffset()));
      m.put("data_length", Integer.toUnsignedLong(op.getDataLength()));
      List<List<Long>> extents = new ArrayList<>();
      for (Extent e : op.getDstExtentsList()) {
        extents.add(List.of(e.getStartBlock(), e.getNumBlocks()));
      }
      m.put("dst_extents", extents);
      m.put("data_sha256", HexFormat.of().formatHex(op.getDataSha256Hash().toByteArray()));
      list.add(m);
    }
    return list;
  }

  @SuppressWarnings("unchecked")
  private static void text(PayloadFile f, Map<String, Object> doc, PrintWriter out) {
    DeltaArchiveManifest m = f.manifest();
    out.printf("CrAU payload %s%n", f.path());
    out.printf("  file size:       %d bytes, sha256 %s%n", f.fileSize(), doc.get("sha256_base64"));
    out.printf("  manifest:        %d bytes (metadata %d bytes), block size %d%n",
        f.manifestSize(), f.metadataSize(), m.getBlockSize());
    out.printf("  new partition:   %d bytes, sha256 %s%n", m.getNewPartitionInfo().getSize(),
        HexFormat.of().formatHex(m.getNewPartitionInfo().getHash().toByteArray()));
    out.printf("  operations:      %s%n", summary(m.getPartitionOperationsList()));
    for (InstallProcedure p : m.getProceduresList()) {
      out.printf("  procedure %-6s %s; new size %d, sha256 %s%n",
          (p.hasType() ? p.getType().name() : "?") + ":", summary(p.getOperationsList()),
          p.getNewInfo().getSize(),
          HexFormat.of().formatHex(p.getNewInfo().getHash().toByteArray()));
    }
    out.printf("  noop operations: %d%n", m.getNoopOperationsCount());
    Map<String, Object> sig = (Map<String, Object>) doc.get("signatures");
    List<Map<String, Object>> entries = (List<Map<String, Object>>) sig.get("entries");
    if (entries.isEmpty()) {
      out.println("  signatures:      none (unsigned)");
    } else {
      List<String> parts = entries.stream()
          .map(e -> "version " + e.get("version") + " (" + e.get("size") + " bytes)").toList();
      out.printf("  signatures:      %s; blob at offset %s, %s bytes%n", String.join(", ", parts),
          sig.get("offset"), sig.get("size"));
    }
  }

  private static String summary(List<InstallOperation> ops) {
    Map<String, Integer> byType = new TreeMap<>();
    long data = 0;
    for (InstallOperation op : ops) {
      byType.merge(op.hasType() ? op.getType().name() : "UNKNOWN", 1, Integer::sum);
      data += Integer.toUnsignedLong(op.getDataLength());
    }
    List<String> parts = byType.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
        .toList();
    return ops.size() + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")") + ", "
        + data + " bytes of data";
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(md.digest());
  }
}
