package io.isohost.cache.repo;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentRepositoryTest {
    static final String TOKEN = "deploy-token-for-tests";

    @TempDir
    Path dir;

    /** 20 directories of 20 files of 12 KB of random (incompressible) bytes: 4.8 MB. */
    static long makeApp(Path app, Random random) throws IOException {
        long total = 0;
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 20; f++) {
                byte[] b = new byte[12 * 1024];
                random.nextBytes(b);
                Path p = app.resolve("WEB-INF/lib" + d + "/part" + f + ".bin");
                Files.createDirectories(p.getParent());
                Files.write(p, b);
                total += b.length;
            }
        }
        return total;
    }

    @Test
    void aOneFileChangeTransfersUnderOnePercentAndVersionsAreKept() throws Exception {
        Random random = new Random(7);
        Path app = dir.resolve("app");
        long size = makeApp(app, random);
        try (DeploymentRepository primary = DeploymentRepository.open(dir.resolve("a.git"));
             DeploymentRepository member = DeploymentRepository.open(dir.resolve("b.git"));
             RepositoryServer http = RepositoryServer.start(primary, "127.0.0.1", 0, TOKEN)) {
            String url = "http://127.0.0.1:" + http.port() + RepositoryServer.PATH;
            ObjectId v1 = primary.deploy("shop", app);
            assertEquals(v1, primary.deploy("shop", app), "an unchanged application is not a new version");
            member.fetchFrom(url);
            long first = http.bytesServed();
            assertEquals(v1, member.current("shop"));

            byte[] changed = new byte[12 * 1024];
            random.nextBytes(changed);
            Files.write(app.resolve("WEB-INF/lib7/part3.bin"), changed);
            ObjectId v2 = primary.deploy("shop", app);
            assertNotEquals(v1, v2);
            member.fetchFrom(url);
            long second = http.bytesServed() - first;
            System.out.printf("deployment repository: first fetch %d bytes, one-file change %d bytes (%.2f%% of %d)%n",
                    first, second, 100.0 * second / size, size);
            assertTrue(second < size / 100, "a one-file change moved " + second + " bytes of a " + size + "-byte application");
            assertEquals(v2, member.current("shop"));
            assertEquals(List.of(v2, v1), member.versions("shop").stream().map(DeploymentRepository.Version::commit).toList());

            Path old = dir.resolve("old");
            member.checkout(v1, old);
            assertEquals(Files.readAllBytes(old.resolve("WEB-INF/lib0/part0.bin")).length, 12 * 1024);
            assertTrue(Files.readAllBytes(old.resolve("WEB-INF/lib7/part3.bin")).length == changed.length);
            assertTrue(!java.util.Arrays.equals(changed, Files.readAllBytes(old.resolve("WEB-INF/lib7/part3.bin"))),
                    "the old version keeps its own files");
        }
    }

    @Test
    void aWarIsStoredAsItsFiles() throws Exception {
        Path app = dir.resolve("app");
        makeApp(app, new Random(3));
        Path war = dir.resolve("shop.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war)); Stream<Path> files = Files.walk(app)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(app.relativize(f).toString()));
                zip.write(Files.readAllBytes(f));
            }
        }
        try (DeploymentRepository repo = DeploymentRepository.open(dir.resolve("r.git"))) {
            ObjectId fromWar = repo.deploy("war", war);
            ObjectId fromDir = repo.deploy("dir", app);
            try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo.repository())) {
                assertEquals(walk.parseCommit(fromDir).getTree(), walk.parseCommit(fromWar).getTree());
            }
            assertEquals(List.of("dir", "war"), repo.applications().stream().sorted().toList());
        }
    }

    @Test
    void realGitClonesWithoutATokenAndCannotPushWithoutIt() throws Exception {
        Assumptions.assumeTrue(gitInstalled(), "the git command line is not installed");
        Path app = dir.resolve("app");
        Files.createDirectories(app);
        Files.writeString(app.resolve("index.html"), "<h1>v1</h1>\n");
        try (DeploymentRepository repo = DeploymentRepository.open(dir.resolve("a.git"));
             RepositoryServer http = RepositoryServer.start(repo, "127.0.0.1", 0, TOKEN)) {
            ObjectId v1 = repo.deploy("site", app);
            String url = "http://127.0.0.1:" + http.port() + RepositoryServer.PATH;
            Path clone = dir.resolve("clone");
            assertEquals(0, git(dir, "clone", "--branch", "site", url, clone.toString()));
            assertEquals("<h1>v1</h1>\n", Files.readString(clone.resolve("index.html")));

            Files.writeString(clone.resolve("index.html"), "<h1>defaced</h1>\n");
            assertEquals(0, git(clone, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "change"));
            assertNotEquals(0, git(clone, "push", "origin", "site"), "a push without the token is refused");
            assertEquals(v1, repo.current("site"), "and changes nothing");

            String withToken = "http://deploy:" + TOKEN + "@127.0.0.1:" + http.port() + RepositoryServer.PATH;
            assertEquals(0, git(clone, "push", withToken, "site"));
            assertNotEquals(v1, repo.current("site"));
        }
    }

    private static boolean gitInstalled() {
        try {
            return new ProcessBuilder("git", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int git(Path cwd, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_ASKPASS", "/bin/false");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.flush();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " hung");
        }
        if (p.exitValue() != 0) {
            System.out.println("git " + String.join(" ", args) + ": " + out.strip());
        }
        return p.exitValue();
    }
}
