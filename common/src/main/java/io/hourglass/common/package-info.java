/** The library every hourglass job stands on. No job logic lives here. */
package io.hourglass.common;
