/*
 * fileio.c — files in a private directory (argv[1], else one made with
 * mkdtemp): open/create, write, read, lseek, pread/pwrite, fstat/stat,
 * ftruncate, rename, unlink, mkdir/rmdir, readdir, symlinks, stdio FILE
 * streams, dup, access.  Prints only what is the same on every machine.
 * (Every call is its own statement: printf's argument order is unspecified.)
 */
//! args: @TMP@
//! dynamic: yes
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *err(int rc)
{
    if (rc >= 0) return "ok";
    return errno == ENOENT ? "ENOENT" : errno == ENOTEMPTY ? "ENOTEMPTY" : errno == EEXIST ? "EEXIST" : "other";
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/liftvm-fileio-XXXXXX";
    const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
    if (!dir || chdir(dir) != 0) {
        perror("dir");
        return 1;
    }

    int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("open ok=%d\n", fd >= 0);
    char buf[4096];
    for (int i = 0; i < (int)sizeof buf; i++)
        buf[i] = (char)(i * 13 + 7);
    ssize_t w = write(fd, buf, sizeof buf);
    w += write(fd, "tail", 4);
    printf("write=%zd\n", w);
    long long e = lseek(fd, 0, SEEK_END);
    long long s = lseek(fd, 100, SEEK_SET);
    long long c = lseek(fd, 10, SEEK_CUR);
    printf("lseek end=%lld set=%lld cur=%lld\n", e, s, c);
    char rd[64];
    ssize_t r = read(fd, rd, sizeof rd);
    unsigned sum = 0;
    for (int i = 0; i < r; i++)
        sum = sum * 31 + (unsigned char)rd[i];
    printf("read=%zd sum=%u match=%d\n", r, sum, memcmp(rd, buf + 110, 64) == 0);
    ssize_t pw = pwrite(fd, "XYZ", 3, 4000);
    ssize_t pr = pread(fd, rd, 8, 3998);
    printf("pwrite=%zd pread=%zd cur=%lld\n", pw, pr, (long long)lseek(fd, 0, SEEK_CUR));
    printf("pread data=%02x%02x%.3s%02x%02x%02x\n", (unsigned char)rd[0], (unsigned char)rd[1],
           rd + 2, (unsigned char)rd[5], (unsigned char)rd[6], (unsigned char)rd[7]);
    struct stat st;
    int rc = fstat(fd, &st);
    printf("fstat=%d size=%lld reg=%d mode=%o nlink=%d blksize>0=%d\n", rc, (long long)st.st_size,
           S_ISREG(st.st_mode), st.st_mode & 0777, (int)st.st_nlink, st.st_blksize > 0);
    printf("ftruncate=%d\n", ftruncate(fd, 1000));
    rc = stat("data.bin", &st);
    printf("stat=%d size=%lld\n", rc, (long long)st.st_size);
    r = read(fd, rd, sizeof rd);
    printf("read after truncate=%zd\n", r);
    lseek(fd, 0, SEEK_END);
    r = read(fd, rd, sizeof rd);
    printf("read at eof=%zd\n", r);
    int fd2 = dup(fd);
    printf("dup ok=%d sameoff=%d\n", fd2 > fd, lseek(fd2, 0, SEEK_CUR) == 1000);
    close(fd2);
    close(fd);

    printf("rename=%d\n", rename("data.bin", "moved.bin"));
    rc = stat("data.bin", &st);
    printf("stat old=%d %s\n", rc, err(rc));
    printf("access=%d\n", access("moved.bin", R_OK | W_OK));
    rc = mkdir("sub", 0755);
    printf("mkdir=%d\n", rc);
    rc = mkdir("sub", 0755);
    printf("mkdir again=%d %s\n", rc, err(rc));
    FILE *f = fopen("sub/notes.txt", "w");
    fprintf(f, "line %d\nline %s\n%f\n", 1, "two", 3.5);
    fclose(f);
    rc = rmdir("sub");
    printf("rmdir nonempty=%d %s\n", rc, err(rc));
    f = fopen("sub/notes.txt", "r");
    char line[64];
    while (fgets(line, sizeof line, f))
        printf("got: %s", line);
    printf("feof=%d\n", feof(f) != 0);
    fseek(f, 5, SEEK_SET);
    long pos = ftell(f);
    int ch = getc(f);
    printf("ftell=%ld getc=%c\n", pos, ch);
    fclose(f);
    f = fopen("sub/notes.txt", "a+");
    fputs("appended\n", f);
    rewind(f);
    int lines = 0;
    while ((ch = fgetc(f)) != EOF)
        lines += ch == '\n';
    fclose(f);
    printf("lines=%d\n", lines);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d.txt", 4 - i);
        close(open(name, O_CREAT | O_WRONLY, 0600));
    }
    printf("symlink=%d\n", symlink("moved.bin", "link"));
    ssize_t ll = readlink("link", line, sizeof line);
    printf("readlink=%zd %.*s\n", ll, (int)(ll > 0 ? ll : 0), line);
    rc = lstat("link", &st);
    printf("lstat=%d islnk=%d\n", rc, S_ISLNK(st.st_mode));
    rc = stat("link", &st);
    printf("stat link=%d size=%lld\n", rc, (long long)st.st_size);

    DIR *d = opendir(".");
    char *names[32];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 32)
        names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        printf("entry %s\n", names[i]);
        free(names[i]);
    }

    unlink("sub/notes.txt");
    printf("rmdir=%d\n", rmdir("sub"));
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d.txt", i);
        unlink(name);
    }
    printf("unlink=%d\n", unlink("link"));
    printf("unlink=%d\n", unlink("moved.bin"));
    rc = unlink("moved.bin");
    printf("unlink missing=%d %s\n", rc, err(rc));
    rc = open("nope", O_RDONLY);
    printf("open missing=%d %s\n", rc, err(rc));
    if (argc <= 1 && chdir("/") == 0)
        rmdir(dir);
    return 0;
}
