package sqlite

import "golang.org/x/sys/unix"

// remoteKinds are the statfs magic numbers of network and user-space file
// systems (linux/magic.h), by name.
var remoteKinds = map[int64]string{
	0x6969:     "NFS",
	0x517B:     "SMB",
	0xFF534D42: "SMB/CIFS",
	0xFE534D42: "SMB2",
	0x65735546: "FUSE, such as sshfs",
	0x01021997: "9P",
	0x73757245: "Coda",
	0x5346414F: "AFS",
	0x6B414653: "AFS",
	0x00C36400: "Ceph",
	0x0BD00BD0: "Lustre",
	0x01161970: "GFS2",
	0x7461636F: "OCFS2",
	0x47504653: "GPFS",
}

// fsKind names the network file system dir lies on, or "".
func fsKind(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return ""
	}
	return remoteKinds[int64(uint32(st.Type))]
}
