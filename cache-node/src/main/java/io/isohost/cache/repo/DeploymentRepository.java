package io.isohost.cache.repo;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The deployed applications as a bare Git repository: each application is a branch, each deployment one
 * commit whose tree is the application's files (a jar or war is unpacked, so a one-file change adds one blob),
 * and the switch to the new version is one compare-and-set ref update. Older versions stay in the branch's
 * history. Other members fetch, so only objects they lack travel.
 */
public final class DeploymentRepository implements Closeable {
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final PersonIdent DEPLOYER = new PersonIdent("isohost", "deploy@isohost.invalid");

    /** One deployed version of an application. */
    public record Version(ObjectId commit, Instant time, String message) {
    }

    private final Repository repo;

    private DeploymentRepository(Repository repo) {
        this.repo = repo;
    }

    /** Opens the bare repository at {@code gitDir}, creating it if missing. */
    public static DeploymentRepository open(Path gitDir) throws IOException {
        Repository r = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
        if (!r.getObjectDatabase().exists()) {
            r.create(true);
        }
        return new DeploymentRepository(r);
    }

    public Repository repository() {
        return repo;
    }

    /**
     * A receive-pack (the server side of a push) that keeps the promise above: every version stays in its
     * branch's history. It refuses non-fast-forward updates (a force push would drop versions), deletions,
     * and refs that are not an application's branch; refused commands change nothing.
     */
    public ReceivePack newReceivePack() {
        ReceivePack rp = new ReceivePack(repo);
        rp.setAllowNonFastForwards(false);
        rp.setAllowDeletes(false);
        rp.setAllowBranchDeletes(false);
        rp.setCheckReceivedObjects(true);
        rp.setPreReceiveHook((pack, commands) -> {
            for (ReceiveCommand c : commands) {
                if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED && !isApplicationBranch(c.getRefName())) {
                    c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON,
                            "only application branches " + Constants.R_HEADS + "<app> can be pushed");
                }
            }
        });
        return rp;
    }

    private static boolean isApplicationBranch(String refName) {
        if (!refName.startsWith(Constants.R_HEADS)) {
            return false;
        }
        String app = refName.substring(Constants.R_HEADS.length());
        return APP.matcher(app).matches() && !app.endsWith(".lock") && !app.contains("..");
    }

    private static String ref(String app) {
        if (!isApplicationBranch(Constants.R_HEADS + app)) {
            throw new IllegalArgumentException("not an application name: '" + app + "'");
        }
        return Constants.R_HEADS + app;
    }

    /**
     * Stores {@code source} (a directory, or a .jar/.war/.zip file) as the new version of {@code app} and returns
     * its commit; an unchanged source returns the current commit. Fails if another deployment of the same
     * application moved the branch meanwhile.
     */
    public synchronized ObjectId deploy(String app, Path source) throws IOException {
        String ref = ref(app);
        Ref current = repo.exactRef(ref);
        ObjectId parent = current == null ? null : current.getObjectId();
        try (ObjectInserter ins = repo.newObjectInserter(); RevWalk walk = new RevWalk(repo)) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        String path = source.relativize(f).toString().replace('\\', '/');
                        try (InputStream in = Files.newInputStream(f)) {
                            add(builder, ins, path, in.readAllBytes(), Files.isExecutable(f));
                        }
                    }
                }
            } else {
                try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(source))) {
                    ZipEntry e;
                    while ((e = zip.getNextEntry()) != null) {
                        if (!e.isDirectory()) {
                            add(builder, ins, e.getName(), zip.readAllBytes(), false);
                        }
                    }
                }
            }
            builder.finish();
            ObjectId tree = index.writeTree(ins);
            if (parent != null && walk.parseCommit(parent).getTree().equals(tree)) {
                return parent;
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(tree);
            if (parent != null) {
                commit.setParentId(parent);
            }
            PersonIdent who = new PersonIdent(DEPLOYER, Instant.now());
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("deploy " + app + " from " + source.getFileName());
            ObjectId id = ins.insert(commit);
            ins.flush();
            RefUpdate u = repo.updateRef(ref);
            u.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
            u.setNewObjectId(id);
            u.setRefLogMessage("deploy", false);
            RefUpdate.Result r = u.update(walk);
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("deployment of " + app + " lost a race with another deployment (" + r + ")");
            }
            return id;
        }
    }

    private static void add(DirCacheBuilder builder, ObjectInserter ins, String path, byte[] content, boolean exec) throws IOException {
        if (path.startsWith("/") || path.contains("../") || path.isEmpty()) {
            throw new IOException("refusing archive entry '" + path + "'");
        }
        DirCacheEntry e = new DirCacheEntry(path);
        e.setFileMode(exec ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
        e.setObjectId(ins.insert(Constants.OBJ_BLOB, content));
        builder.add(e);
    }

    /** The current version of {@code app}, or null if it was never deployed. */
    public ObjectId current(String app) throws IOException {
        Ref r = repo.exactRef(ref(app));
        return r == null ? null : r.getObjectId();
    }

    /** Every deployed version, newest first. */
    public List<Version> versions(String app) throws IOException {
        List<Version> out = new ArrayList<>();
        ObjectId head = current(app);
        if (head == null) {
            return out;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            for (RevCommit c : walk) {
                out.add(new Version(c.copy(), Instant.ofEpochSecond(c.getCommitTime()), c.getShortMessage()));
            }
        }
        return out;
    }

    public List<String> applications() throws IOException {
        List<String> out = new ArrayList<>();
        for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            out.add(r.getName().substring(Constants.R_HEADS.length()));
        }
        return out;
    }

    /** Writes the files of one version into {@code target}. */
    public void checkout(ObjectId version, Path target) throws IOException {
        try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(walk.parseCommit(version).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                Path f = target.resolve(tw.getPathString()).normalize();
                if (!f.startsWith(target)) {
                    throw new IOException("refusing path " + tw.getPathString());
                }
                Files.createDirectories(f.getParent());
                try (OutputStream out = Files.newOutputStream(f)) {
                    repo.open(tw.getObjectId(0)).copyTo(out);
                }
            }
        }
    }

    /** Fetches every application branch from another member (fast-forward only); only missing objects travel. */
    public FetchResult fetchFrom(String uri) throws IOException {
        try (Git git = new Git(repo)) {
            return git.fetch().setRemote(uri).setRefSpecs(new RefSpec(Constants.R_HEADS + "*:" + Constants.R_HEADS + "*"))
                    .call();
        } catch (GitAPIException e) {
            throw new IOException("fetch from " + uri + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        repo.close();
    }
}
