"""Registration of the results of an S&T task (đăng ký kết quả thực hiện nhiệm vụ KH&CN,
Decree 11/2014/NĐ-CP, TT 14/2014/TT-BKHCN): a one-stop procedure of the tasks domain.

The host organisation files the dossier at the one-stop desk like any one-stop
procedure (`workflows.onestop`): this app only declares the procedure — its catalogue
entry, its kind (code prefix, no fee, appraised by the managing division `qlkh`), the
task it registers and what the host declares about it, and the certificate the
director signs (Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN).

A separate app inside the tasks domain, with its own tables and migrations, so that it
links to `tasks_lifecycle.Task` without touching that app's models.
"""
