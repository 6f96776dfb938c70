package io.isohost.cache.repo;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes with the token over the real smart-HTTP transport (a JGit client, and raw protocol requests from a client
 * that ignores what the server advertises): only fast-forwards and new application branches are accepted, so every
 * deployed version stays in its branch's history.
 */
class PushRulesTest {
    private static final String TOKEN = "deploy-token-for-tests";
    private static final UsernamePasswordCredentialsProvider WITH_TOKEN = new UsernamePasswordCredentialsProvider("deploy", TOKEN);

    @TempDir
    Path dir;
    private DeploymentRepository repo;
    private RepositoryServer http;
    private String url;
    private ObjectId v1;
    private Git clone;

    @BeforeEach
    void deployAndClone() throws Exception {
        repo = DeploymentRepository.open(dir.resolve("apps.git"));
        http = RepositoryServer.start(repo, "127.0.0.1", 0, TOKEN);
        url = "http://127.0.0.1:" + http.port() + RepositoryServer.PATH;
        v1 = repo.deploy("site", app("v1"));
        clone = Git.cloneRepository().setURI(url).setBranch("site").setDirectory(dir.resolve("clone").toFile()).call();
    }

    @AfterEach
    void stop() throws Exception {
        clone.close();
        http.close();
        repo.close();
    }

    private Path app(String content) throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("index.html"), content);
        return app;
    }

    private RevCommit commitInClone(String content) throws Exception {
        Files.writeString(dir.resolve("clone/index.html"), content);
        clone.add().addFilepattern("index.html").call();
        return clone.commit().setMessage(content).setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid").call();
    }

    private RemoteRefUpdate.Status push(RefSpec spec, boolean force) throws Exception {
        Iterable<PushResult> results = clone.push().setRemote(url).setRefSpecs(spec).setForce(force)
                .setCredentialsProvider(WITH_TOKEN).call();
        RemoteRefUpdate u = results.iterator().next().getRemoteUpdates().iterator().next();
        return u.getStatus();
    }

    private List<ObjectId> history() throws Exception {
        return repo.versions("site").stream().map(DeploymentRepository.Version::commit).toList();
    }

    @Test
    void aFastForwardPushIsAcceptedAndKeepsTheHistory() throws Exception {
        RevCommit v2 = commitInClone("<h1>v2</h1>");
        assertEquals(RemoteRefUpdate.Status.OK, push(new RefSpec("refs/heads/site:refs/heads/site"), false));
        assertEquals(v2, repo.current("site"));
        assertEquals(List.of(v2, v1), history());
    }

    @Test
    void aNewApplicationBranchIsAccepted() throws Exception {
        RevCommit c = commitInClone("<h1>shop</h1>");
        assertEquals(RemoteRefUpdate.Status.OK, push(new RefSpec("refs/heads/site:refs/heads/shop"), false));
        assertEquals(c, repo.current("shop"));
    }

    @Test
    void aForcePushIsRefusedAndChangesNothing() throws Exception {
        ObjectId v2 = repo.deploy("site", app("<h1>v2</h1>"));
        commitInClone("<h1>rewritten</h1>"); // on v1, so not a descendant of v2
        RemoteRefUpdate.Status s = push(new RefSpec("+refs/heads/site:refs/heads/site"), true);
        assertNotEquals(RemoteRefUpdate.Status.OK, s, "a non-fast-forward update is refused");
        assertEquals(v2, repo.current("site"));
        assertEquals(List.of(v2, v1), history(), "every version stays in the history");
    }

    @Test
    void deletingABranchIsRefused() throws Exception {
        assertNotEquals(RemoteRefUpdate.Status.OK, push(new RefSpec(":refs/heads/site"), false));
        assertEquals(v1, repo.current("site"));
    }

    @Test
    void aClientThatSendsADeletionAnywayIsRefusedByTheServer() throws Exception {
        // JGit's client does not send a deletion the server does not advertise; this one does
        String report = receivePack(v1.name() + " " + ObjectId.zeroId().name() + " refs/heads/site");
        assertTrue(report.contains("ng refs/heads/site"), report);
        assertEquals(v1, repo.current("site"));
        assertEquals(List.of(v1), history());
    }

    @Test
    void refsOtherThanApplicationBranchesAreRefused() throws Exception {
        assertNotEquals(RemoteRefUpdate.Status.OK, push(new RefSpec("refs/heads/site:refs/tags/v1"), false));
        assertNull(repo.repository().exactRef(Constants.R_TAGS + "v1"));
        assertNotEquals(RemoteRefUpdate.Status.OK, push(new RefSpec("refs/heads/site:refs/heads/nested/app"), false));
        assertNull(repo.repository().exactRef(Constants.R_HEADS + "nested/app"));
    }

    /** One ref-update command sent straight to git-receive-pack with the token; returns the server's report. */
    private String receivePack(String command) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] line = (command + "\0report-status\n").getBytes(StandardCharsets.UTF_8);
        body.writeBytes("%04x".formatted(line.length + 4).getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(line);
        body.writeBytes("0000".getBytes(StandardCharsets.US_ASCII)); // a deletion carries no pack
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/git-receive-pack"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/x-git-receive-pack-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        }
    }
}
