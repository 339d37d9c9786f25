package io.octvex.protocol;

/** A fresh enrolment token: the only time its secret is shown. */
public record IssuedEnrollment(EnrollmentView enrollment, String token) {
    @Override
    public String toString() {
        return "IssuedEnrollment[enrollment=" + enrollment + ", token=***]";
    }
}
